#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '../config/coordinator-config';
import { registerServe } from './serve-command';
import { registerSimulate } from '../simulate/simulate-command';
import { registerAudit } from '../audit/audit-command';

const program = new Command('syndicate')
  .description('Syndicate coordinator: federated learning for bank consortia, with updates it can add but never read.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerServe(program);
registerSimulate(program);
registerAudit(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`syndicate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
