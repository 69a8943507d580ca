import { Command } from 'commander';
import { CliError, EXIT } from './api-command';
import { registerSimulateMoved } from './simulate-moved-command';

describe('syndicate simulate (moved)', () => {
  it('points to syndicate-simulate with a usage exit code, whatever options it is given', async () => {
    const program = new Command('syndicate').exitOverride();
    registerSimulateMoved(program);
    const run = program.parseAsync(['simulate', '--plan', 'p.json', '--data', 'a=a.csv', '--rounds', '3'], {
      from: 'user',
    });
    await expect(run).rejects.toThrow(CliError);
    await expect(run).rejects.toMatchObject({
      exitCode: EXIT.USAGE,
      message: expect.stringContaining('syndicate-simulate'),
    });
  });
});
