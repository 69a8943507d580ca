#!/usr/bin/env node
import { Command } from 'commander';
import { configureSimulate } from './simulate/simulate-command';

configureSimulate(new Command('syndicate-simulate').showHelpAfterError('(run with --help for usage)'))
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`syndicate-simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
