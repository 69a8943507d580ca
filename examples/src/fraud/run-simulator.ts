import { spawn } from 'child_process';

/**
 * Trains the consortium in secure rounds by running the simulator's CLI (a
 * coordinator and one agent process per bank over loopback). The one place
 * the fraud demo names the simulator: re-point it here when it moves.
 */
export async function runSimulator(o: {
  plan: string;
  banks: { name: string; path: string }[];
  rounds: number;
  out: string;
  workDir: string;
}): Promise<void> {
  const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');
  const args = [
    cli,
    'simulate',
    '--plan',
    o.plan,
    ...o.banks.flatMap((b) => ['--data', `${b.name}=${b.path}`]),
    '--rounds',
    String(o.rounds),
    '--out',
    o.out,
    '--work-dir',
    o.workDir,
  ];
  const code = await new Promise<number | null>((resolve) =>
    spawn(process.execPath, args, { stdio: 'inherit' }).once('exit', resolve),
  );
  if (code !== 0) throw new Error(`the simulation exited with code ${code}; its logs are in ${o.workDir}`);
}
