#!/usr/bin/env node
import * as grpc from '@grpc/grpc-js';
import * as fs from 'fs';
import { Command } from 'commander';
import { AgentConfigError, loadAgentConfig, type AgentConfig } from '../config/agent-config';
import { CoordinatorCallError } from '../agent/coordinator-client';
import type { AgentTransport } from '../agent/transport';
import { agentLogger } from './agent-logger';
import { enrollAgent, runAgent } from '../agent/agent-runner';
import { pullModel, writePulledModel } from '../agent/model-pull';
import { effectivePlan } from '../agent/standardization-file';
import { checkHealth } from '../agent/health-file';
import { loadIdentity } from '../crypto/identity-store';
import { registerBenefitCommands } from '../benefit/benefit-commands';
import { registerSchemaCommand } from './schema-command';
import { registerMembersCommands } from './members-command';
import { registerServingCommands } from '../serving/serving-commands';
import { parseTrainingPlanJson } from '@syndicate/protocol';
import { classifyTlsFailure, conciseTlsMessage } from '../agent/tls-failure';

const program = new Command('syndicate-agent')
  .description(
    "Syndicate participant agent: trains on this bank's data on-prem and sends only model updates, over outbound connections.",
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

/** TLS options every command that talks to the coordinator takes. */
function withTransport(cmd: Command): Command {
  return cmd
    .option(
      '--ca <file.pem>',
      "CA certificate to trust for the coordinator (the consortium's; default: the system's CAs)",
    )
    .option('--cert <file.pem>', 'client certificate, when the coordinator requires mutual TLS')
    .option('--key <file.key>', 'private key of the client certificate')
    .option('--insecure', 'plaintext connection, for a development coordinator started with --insecure');
}

const transportOf = (o: { ca?: string; cert?: string; key?: string; insecure?: boolean }): AgentTransport => ({
  caFile: o.ca,
  certFile: o.cert,
  keyFile: o.key,
  insecure: o.insecure,
});

const logger = (level?: string) => agentLogger(level);

withTransport(program.command('enroll'))
  .description("Generate this bank's keys locally and register their public halves with the coordinator (once).")
  .requiredOption('--coordinator <host:port>', 'coordinator gRPC address')
  .requiredOption('--token <token>', 'one-time enrollment token from the invitation (it names the federation)')
  .option('--federation <id>', 'federation id, checked against the invitation when given')
  .option('--state-dir <dir>', 'where keys and enrollment are kept (0700)', '.syndicate-agent')
  .action(
    async (o: {
      coordinator: string;
      federation?: string;
      token: string;
      stateDir: string;
      ca?: string;
      cert?: string;
      key?: string;
      insecure?: boolean;
    }) => {
      const id = await enrollAgent({ ...o, transport: transportOf(o) });
      process.stdout.write(`enrolled as ${id.participantId} in ${id.federationId}; keys in ${o.stateDir}\n`);
    },
  );

withTransport(program.command('run'))
  .description('Connect out to the coordinator and work on rounds until stopped (enrolls first when given a token).')
  .option('--config <file.yaml>', 'settings file (env SYNDICATE_AGENT_CONFIG); environment and flags override it')
  .option('--data <file.csv>', "this bank's training data, matching the plan's schema (env SYNDICATE_DATA)")
  .option('--state-dir <dir>', 'keys and enrollment, 0700 (env SYNDICATE_STATE_DIR; default .syndicate-agent)')
  .option('--coordinator <host:port>', 'coordinator gRPC address (env SYNDICATE_COORDINATOR; needed to enroll)')
  .option('--federation <id>', 'federation id, checked against the invitation (env SYNDICATE_FEDERATION)')
  .option(
    '--token <token>',
    'one-time enrollment token, used only if not yet enrolled (env SYNDICATE_ENROLLMENT_TOKEN)',
  )
  .option('--token-file <file>', 'read the enrollment token from a file (env SYNDICATE_ENROLLMENT_TOKEN_FILE)')
  .option('--keep-updates <dir>', 'keep a copy of each local result sent (env SYNDICATE_KEEP_UPDATES)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env SYNDICATE_LOG_LEVEL; default info)')
  .addHelpText(
    'after',
    '\nSettings (YAML keys): data, stateDir, coordinator, federation, token, tokenFile, keepUpdates, ca, cert, key, insecure, logLevel.\n' +
      'TLS flags (--ca/--cert/--key/--insecure) take env SYNDICATE_CA/CERT/KEY/INSECURE. A bad configuration prints every problem and exits 2.\n\n' +
      'Example:\n  syndicate-agent run --coordinator coord.consortium.example:443 --token-file /run/secrets/enrollment-token --data /data/loans.csv \\\n    --ca /etc/syndicate/consortium-ca.pem --cert /etc/syndicate/bank.pem --key /etc/syndicate/bank.key\n',
  )
  .action(async (o: Partial<Record<keyof AgentConfig, unknown>> & { config?: string }) => {
    const { config: file, ...flags } = o;
    const c = loadAgentConfig(flags, process.env, file ?? (process.env.SYNDICATE_AGENT_CONFIG || undefined));
    const token = c.token ?? (c.tokenFile ? fs.readFileSync(c.tokenFile, 'utf8').trim() : undefined);
    await runAgent({
      data: c.data,
      stateDir: c.stateDir,
      coordinator: c.coordinator,
      federation: c.federation,
      token,
      keepUpdates: c.keepUpdates,
      transport: transportOf(c),
      logger: logger(c.logLevel),
    });
    // Stopped: an abandoned task's waits (a masked sum's polls) would otherwise hold the process until their deadlines.
    process.exit(process.exitCode ?? 0);
  });

program
  .command('health')
  .description(
    'Say how the agent running on this state directory is connected; exit 1 when it has not been connected for longer than --max-down (for container health checks).',
  )
  .option('--state-dir <dir>', 'keys and enrollment (0700)', '.syndicate-agent')
  .option('--max-down <seconds>', 'how long a lost or silent connection is tolerated before exiting 1', '90')
  .action((o: { stateDir: string; maxDown: string }) => {
    const seconds = Number(o.maxDown);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new AgentConfigError([`--max-down: must be a positive number of seconds, got "${o.maxDown}"`]);
    const h = checkHealth(o.stateDir, Date.now(), seconds * 1000, { checkProcess: true });
    process.stdout.write(`${h.message}\n`);
    process.exitCode = h.ok ? 0 : 1;
  });

const model = program.command('model').description("The federation's global model, as this member sees it.");
withTransport(model.command('pull'))
  .description(
    "Download and decrypt the federation's champion (the version chosen on federated validation), or the version --model names; sealed models are opened with this member's epoch key.",
  )
  .requiredOption(
    '--out <file>',
    'where to write it: .f32 for raw float32, else JSON with tensor names, shapes and the feature schema (consortium scaling included)',
  )
  .option('--state-dir <dir>', 'keys and enrollment (0700)', '.syndicate-agent')
  .option('--coordinator <host:port>', 'override the coordinator address saved at enrollment')
  .option('--model <id>', 'a model version id, champion (the default) or latest (the newest round)')
  .action(
    async (o: {
      out: string;
      stateDir: string;
      coordinator?: string;
      model?: string;
      ca?: string;
      cert?: string;
      key?: string;
      insecure?: boolean;
    }) => {
      const m = await pullModel({
        stateDir: o.stateDir,
        coordinator: o.coordinator,
        modelVersionId: o.model,
        transport: transportOf(o),
      });
      const enrolled = parseTrainingPlanJson(loadIdentity(o.stateDir)!.planJson);
      let plan = enrolled;
      try {
        plan = effectivePlan(o.stateDir, enrolled);
      } catch (err) {
        // The weights are still right; only scoring needs the scaling, so say what is missing instead of failing.
        process.stderr.write(`warning: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      writePulledModel(o.out, plan, m);
      process.stdout.write(
        `${m.modelVersionId} (round ${m.roundNumber}, ${m.weights.length} parameters${m.sealed ? ', decrypted from a members-only seal' : ''}) -> ${o.out}\n`,
      );
    },
  );

registerMembersCommands(program);
registerSchemaCommand(program);

registerBenefitCommands(program, { withTransport, transportOf });

registerServingCommands(program, { withTransport, transportOf });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof AgentConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof CoordinatorCallError && err.code === grpc.status.UNAVAILABLE) {
    // 7: the coordinator could not be reached or trusted (documented exit code).
    const tls = classifyTlsFailure(message);
    process.stderr.write(
      tls
        ? `syndicate-agent: TLS failure (${tls.kind}): ${conciseTlsMessage(message)}\n  hint: ${tls.hint}\n`
        : `syndicate-agent: coordinator unreachable: ${conciseTlsMessage(message)}\n  hint: check --coordinator (host:port from your invitation), the firewall, and https_proxy if outbound traffic needs a proxy\n`,
    );
    process.exit(7);
  }
  process.stderr.write(`syndicate-agent: ${message}\n`);
  // 3: the coordinator refused who we are (bad, used or expired token; revoked); retrying will not help.
  process.exit(
    err instanceof CoordinatorCallError &&
      (err.code === grpc.status.UNAUTHENTICATED || err.code === grpc.status.PERMISSION_DENIED)
      ? 3
      : 1,
  );
});
