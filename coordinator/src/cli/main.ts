#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '../config/coordinator-config';
import { registerServe } from './serve-command';
import { registerSimulateMoved } from './simulate-moved-command';
import { registerAudit } from './audit-command';
import { cliErrorOf, EXIT } from './api-command';
import { registerFederation } from './federation-command';
import { registerInit } from './init-command';
import { registerModel } from './model-command';
import { registerParticipant } from './participant-command';
import { registerRound } from './round-command';
import { registerSchema } from './schema-command';
import { registerStatus } from './status-command';
import { registerToken } from './token-command';
import { registerCerts } from './certs-command';

const program = new Command('syndicate')
  .description('Syndicate coordinator: federated learning for bank consortia, with updates it can add but never read.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Getting started:
  syndicate init --write-token admin.token     database + bootstrap admin token (once)
  syndicate certs init                         development CA and certificates in var/certs
  syndicate serve --tls-cert var/certs/coordinator.pem --tls-key var/certs/coordinator.key
  export SYNDICATE_URL=https://127.0.0.1:8080 SYNDICATE_CA=var/certs/ca.pem
  export SYNDICATE_TOKEN_FILE=admin.token
  syndicate federation create --plan plan.json
  syndicate participant invite --federation ID --name "Bank A"
  syndicate round schedule --federation ID --cron "0 1 * * *" --window 4h --rounds 10
  syndicate status --federation ID --watch

Exit codes: 0 ok, 1 error, 2 bad usage or configuration, 3 not authenticated or not allowed,
4 audit log broken, 5 not found, 6 conflict (e.g. a round is already running), 7 coordinator unreachable.
`,
  );

registerInit(program);
registerCerts(program);
registerServe(program);
registerFederation(program);
registerParticipant(program);
registerRound(program);
registerSchema(program);
registerStatus(program);
registerModel(program);
registerToken(program);
registerAudit(program);
registerSimulateMoved(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT.USAGE);
  }
  const cli = cliErrorOf(err);
  if (cli) {
    process.stderr.write(`syndicate: ${cli.message}\n`);
    process.exit(cli.exitCode);
  }
  process.stderr.write(`syndicate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
