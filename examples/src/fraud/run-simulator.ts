import { spawn } from 'child_process';
import * as path from 'path';

/**
 * Trains the consortium in secure rounds by running the simulator's CLI (a
 * coordinator and one agent process per bank over loopback), as the credit demo does.
 */
export async function runSimulator(o: {
  plan: string;
  banks: { name: string; path: string }[];
  rounds: number;
  out: string;
  workDir: string;
}): Promise<void> {
  const cli = path.join(__dirname, '..', 'simulate-main.js');
  const args = [
    cli,
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
