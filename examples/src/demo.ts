#!/usr/bin/env node
import { spawn } from 'child_process';
import * as path from 'path';
import { Command } from 'commander';
import { writeConsortium } from './generate-data';

/**
 * `npm start`: makes a synthetic, non-IID credit-risk consortium and runs it end to
 * end — a coordinator and one agent process per bank over real gRPC on loopback.
 */
async function main(): Promise<void> {
  const program = new Command('syndicate-demo')
    .description('Run the demo consortium: synthetic banks, one coordinator, one agent per bank.')
    .option('--rounds <n>', 'rounds to run', '5')
    .option('--out <dir>', 'where data, logs and results go', path.join('var', 'demo'))
    .option('--seed <n>', 'data seed', '2026')
    .option('--plan <file>', 'training plan', path.join(__dirname, '..', 'credit-risk', 'plan.json'))
    .parse(process.argv);
  const o = program.opts<{ rounds: string; out: string; seed: string; plan: string }>();
  const out = path.resolve(o.out);
  process.stdout.write(`Syndicate demo: generating a synthetic credit-risk consortium in ${out}\n`);
  const banks = await writeConsortium(path.join(out, 'data'), { seed: Number(o.seed) });
  for (const b of banks) process.stdout.write(`  ${b.name.padEnd(8)} ${String(b.rows).padStart(6)} loans, default rate ${(b.defaultRate * 100).toFixed(1)}%\n`);
  const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');
  const args = [
    cli,
    'simulate',
    '--plan',
    o.plan,
    ...banks.flatMap((b) => ['--data', `${b.name}=${b.path}`]),
    '--rounds',
    o.rounds,
    '--out',
    path.join(out, 'results.json'),
    '--work-dir',
    path.join(out, 'run'),
  ];
  const code = await new Promise<number | null>((resolve) => spawn(process.execPath, args, { stdio: 'inherit' }).once('exit', resolve));
  process.exit(code ?? 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
