import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { apiCommand, clientFrom, CliError, EXIT, parseDurationSeconds, type ApiOptions } from './api-command';
import { writeKit, RUN_COMMAND } from './participant-kit';

interface KitOptions extends ApiOptions {
  federation: string;
  name: string;
  out: string;
  certs: string;
  clientCert?: string;
  clientKey?: string;
  data: string;
  expiresIn?: number;
}

const read = (file: string, what: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(EXIT.USAGE, `${what} ${file} cannot be read`);
  }
};

/** The client certificate for the kit: given files, an existing `certs issue` pair, or a new one from the CA. */
async function clientPair(o: KitOptions, fileName: string): Promise<{ cert: string; key: string }> {
  if (o.clientCert || o.clientKey) {
    if (!o.clientCert || !o.clientKey) throw new CliError(EXIT.USAGE, '--client-cert and --client-key go together');
    return { cert: read(o.clientCert, '--client-cert'), key: read(o.clientKey, '--client-key') };
  }
  const cert = path.join(o.certs, 'agents', `${fileName}.pem`);
  if (!fs.existsSync(cert)) {
    if (!fs.existsSync(path.join(o.certs, 'ca.key')))
      throw new CliError(
        EXIT.USAGE,
        `the coordinator requires client certificates and ${path.join(o.certs, 'ca.key')} is missing: pass --certs DIR (where \`syndicate certs init\` wrote the CA), or --client-cert/--client-key from your own CA`,
      );
    const { issueAgentFiles } = await import('./agent-certificate-files');
    await issueAgentFiles(o.certs, fileName);
  }
  return { cert: read(cert, 'client certificate'), key: read(path.join(o.certs, 'agents', `${fileName}.key`), 'key') };
}

export function registerParticipantKit(part: Command): void {
  apiCommand(
    part,
    'kit',
    "Invite a bank and write its startup kit: CA certificate, client certificate and key (mutual TLS), one-time token, agent.yaml and the command to run. Hand the directory to the bank's infrastructure team over a secure channel.",
  )
    .requiredOption('--federation <id>', 'federation id')
    .requiredOption('--name <name>', 'name the bank will appear under')
    .requiredOption('--out <dir>', 'new directory to write the kit into')
    .option(
      '--certs <dir>',
      'the CA directory from `syndicate certs init` (ca.pem; ca.key to issue a client certificate)',
      'var/certs',
    )
    .option('--client-cert <file.pem>', "the bank's client certificate, when your own CA issued it")
    .option('--client-key <file.key>', 'its private key')
    .option(
      '--data <path>',
      "where the bank's extract will be, written into agent.yaml (relative: to the kit)",
      'data.csv',
    )
    .option('--expires-in <duration>', 'token lifetime, e.g. 12h, 7d', parseDurationSeconds)
    .action(async (o: KitOptions) => {
      if (fs.existsSync(o.out) && fs.readdirSync(o.out).length)
        throw new CliError(EXIT.USAGE, `--out ${o.out} exists and is not empty; choose a new directory`);
      const caFile = fs.existsSync(path.join(o.certs, 'ca.pem')) ? path.join(o.certs, 'ca.pem') : o.ca;
      const inv = await clientFrom(o).invite(o.federation, o.name, o.expiresIn);
      const agent = inv.agent ?? { coordinator: '<grpc-address>', tls: 'server' as const };
      if (agent.tls !== 'none' && !caFile)
        throw new CliError(EXIT.USAGE, `no CA certificate for the kit: pass --certs DIR holding ca.pem, or --ca FILE`);
      const fileName = o.name.replace(/[^A-Za-z0-9_.-]+/g, '-');
      const files = writeKit(o.out, {
        federationId: inv.federationId,
        name: inv.displayName,
        agent,
        token: inv.token,
        expiresAt: inv.expiresAt,
        caPem: agent.tls === 'none' ? undefined : read(caFile!, 'CA certificate'),
        client: agent.tls === 'mutual' ? await clientPair(o, fileName) : undefined,
        data: o.data,
      });
      process.stdout.write(
        `startup kit for "${inv.displayName}" in ${o.out}: ${files.join(', ')}\nOn the bank's agent host, from that directory:\n  ${RUN_COMMAND}\n`,
      );
    });
}
