import type { Command } from 'commander';
import { EXIT } from './api-command';

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
      process.stderr.write(
        'syndicate simulate has moved: run `syndicate-simulate` (package @syndicate/examples, e.g. `node examples/dist/simulate-main.js`) with the same options\n',
      );
      process.exit(EXIT.USAGE);
    });
}
