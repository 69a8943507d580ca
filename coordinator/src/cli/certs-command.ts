import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { parsePositiveInt } from './api-command';

export function registerCerts(program: Command): void {
  const certs = program.command('certs').description('TLS material for development and tests.');
  certs
    .command('init')
    .description(
      'Make a development CA, a coordinator certificate and (optionally) agent client certificates for mutual TLS. Not for production: there, use your own CA.',
    )
    .option('--out <dir>', 'where to write them', 'var/certs')
    .option(
      '--hosts <list>',
      'names and addresses the coordinator is reached by (certificate SANs)',
      'localhost,127.0.0.1,::1',
    )
    .option('--agents <list>', 'agent names to issue client certificates for, comma-separated')
    .option('--days <n>', 'validity', (v) => parseInt(v, 10), 365)
    .option('--force', 'overwrite an existing CA in --out')
    .option('--keep-existing', 'if --out already holds a CA, leave it and succeed (for init containers)')
    .addHelpText(
      'after',
      '\nThen:\n  syndicate serve --tls-cert var/certs/coordinator.pem --tls-key var/certs/coordinator.key [--tls-client-ca var/certs/ca.pem]\n  syndicate-agent enroll --coordinator HOST:PORT --ca var/certs/ca.pem [--cert var/certs/agents/NAME.pem --key var/certs/agents/NAME.key] --token …\n',
    )
    .action(
      async (o: {
        out: string;
        hosts: string;
        agents?: string;
        days: number;
        force?: boolean;
        keepExisting?: boolean;
      }) => {
        if (fs.existsSync(path.join(o.out, 'ca.pem')) && o.keepExisting && !o.force) {
          // The CA stays; agents it has no certificate for yet still get one.
          const { issueAgentFiles } = await import('./agent-certificate-files');
          const wanted = (o.agents ?? '')
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean);
          const missing = wanted.filter((a) => !fs.existsSync(path.join(o.out, 'agents', `${a}.pem`)));
          for (const a of missing) await issueAgentFiles(o.out, a, { days: o.days });
          process.stdout.write(
            `${o.out} already holds a CA; kept${missing.length ? `; issued ${missing.join(', ')}` : ''}\n`,
          );
          return;
        }
        if (fs.existsSync(path.join(o.out, 'ca.pem')) && !o.force)
          throw new Error(
            `${o.out} already holds a CA; to add a bank run \`syndicate certs issue --out ${o.out} --agent NAME\`, or pass --force to replace the CA (every certificate it issued stops being trusted)`,
          );
        const { makeDevPki, writeDevPki } = await import('../certs/dev-ca');
        const hosts = o.hosts
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean);
        const agents = (o.agents ?? '')
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean);
        const bad = agents.filter((a) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(a));
        if (bad.length)
          throw new Error(`--agents: ${bad.join(', ')} cannot be used as file names (letters, digits, _ . - only)`);
        const files = writeDevPki(o.out, await makeDevPki({ hosts, agents, days: o.days }));
        process.stdout.write(
          `development CA and certificates in ${o.out} (valid ${o.days} days; hosts ${hosts.join(', ')}):\n  CA            ${files.caCert}\n  coordinator   ${files.coordinatorCert}, ${files.coordinatorKey}\n`,
        );
        for (const [name, f] of Object.entries(files.agents))
          process.stdout.write(`  agent ${name.padEnd(7)} ${f.cert}, ${f.key}\n`);
      },
    );
  certs
    .command('issue')
    .description(
      'Add a bank to an existing CA: a client certificate for mutual TLS, signed by the CA in --out (ca.pem, ca.key). Certificates already issued stay valid.',
    )
    .requiredOption('--agent <name>', 'agent name, also the certificate CN (letters, digits, _ . -)')
    .option('--out <dir>', 'the directory `certs init` wrote', 'var/certs')
    .option('--days <n>', 'validity (capped at the CA expiry)', parsePositiveInt('--days'), 365)
    .option('--force', 'replace an existing certificate for this agent')
    .action(async (o: { agent: string; out: string; days: number; force?: boolean }) => {
      const { issueAgentFiles } = await import('./agent-certificate-files');
      const f = await issueAgentFiles(o.out, o.agent, { days: o.days, force: o.force });
      process.stdout.write(
        `client certificate for ${o.agent} (valid ${o.days} days): ${f.cert}, ${f.key}\nGive the bank ${f.caCert}, ${f.cert} and ${f.key} (or a kit: syndicate participant kit).\n`,
      );
    });
}
