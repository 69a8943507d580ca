#!/usr/bin/env node
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { writeConsortium } from './generate-data';

interface DemoResults {
  final: { global: { auc: number } | null } | null;
  /** The champion's figures on the test rows (they did not choose it). */
  test?: { auc: number } | null;
  banks: Record<string, { global: { auc: number } | null; local_only?: { auc: number } }>;
  centralized?: { auc: number };
}

const f4 = (x: number) => x.toFixed(4);

/** The two questions a consortium asks of the demo: does the smallest bank gain, and how far is federated from pooling? */
export function verdict(r: DemoResults, smallest: string, rows: number): string[] {
  const lines: string[] = [];
  const b = r.banks[smallest];
  if (b?.global && b.local_only) {
    lines.push(
      `smallest bank ${smallest} (${rows} loans): global-model AUC ${f4(b.global.auc)} vs local-only ${f4(b.local_only.auc)} — ${b.global.auc > b.local_only.auc ? 'the consortium model is better' : 'NOT better'}`,
    );
  }
  const g = r.test ?? r.final?.global;
  if (g && r.centralized) {
    const d = g.auc - r.centralized.auc;
    lines.push(
      `champion AUC ${f4(g.auc)} vs centralized (pooled data) ${f4(r.centralized.auc)}: the global model is ${f4(Math.abs(d))} AUC ${d < 0 ? 'below' : 'above'} centralized (${Math.abs(d) <= 0.01 ? 'within' : 'outside'} 0.01)`,
    );
  }
  return lines;
}

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
  for (const b of banks)
    process.stdout.write(
      `  ${b.name.padEnd(8)} ${String(b.rows).padStart(6)} loans, default rate ${(b.defaultRate * 100).toFixed(1)}%\n`,
    );
  const args = [
    path.join(__dirname, 'simulate-main.js'),
    '--plan',
    o.plan,
    ...banks.flatMap((b) => ['--data', `${b.name}=${b.path}`]),
    '--rounds',
    o.rounds,
    '--out',
    path.join(out, 'results.json'),
    '--work-dir',
    path.join(out, 'run'),
    '--baseline',
    'local,centralized',
  ];
  const code = await new Promise<number | null>((resolve) =>
    spawn(process.execPath, args, { stdio: 'inherit' }).once('exit', resolve),
  );
  if (code === 0) {
    const smallest = [...banks].sort((a, b) => a.rows - b.rows)[0];
    for (const line of verdict(
      JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as DemoResults,
      smallest.name,
      smallest.rows,
    ))
      process.stdout.write(`${line}\n`);
  }
  process.exit(code ?? 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
