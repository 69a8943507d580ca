import type { Command } from 'commander';
import { CliError, EXIT } from './api-command';

/**
 * The simulator drives the coordinator and the agents, so it lives in `@syndicate/examples`, which declares both;
 * the old command stays only to point there.
 */
export function registerSimulateMoved(program: Command): void {
  program
    .command('simulate', { hidden: true })
    .description('moved: run `syndicate-simulate` (package @syndicate/examples) with the same options')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new CliError(
        EXIT.USAGE,
        'simulate has moved: run `syndicate-simulate` (package @syndicate/examples, e.g. `node examples/dist/simulate-main.js`) with the same options',
      );
    });
}
