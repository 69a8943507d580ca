#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { generateConsortium, toCsv } from './synthetic-consortium';

export interface WrittenBank {
  name: string;
  path: string;
  rows: number;
  defaultRate: number;
}

/** Writes one CSV per bank into `outDir`. */
export async function writeConsortium(
  outDir: string,
  o: { seed?: number; scale?: number } = {},
): Promise<WrittenBank[]> {
  await fs.promises.mkdir(outDir, { recursive: true });
  const { banks } = generateConsortium(o);
  return Promise.all(
    banks.map(async (b) => {
      const file = path.join(outDir, `${b.name}.csv`);
      await fs.promises.writeFile(file, toCsv(b.rows));
      return { name: b.name, path: file, rows: b.rows.length, defaultRate: b.defaultRate };
    }),
  );
}

if (require.main === module) {
  const program = new Command('syndicate-generate-data')
    .description('Write the synthetic credit-risk consortium (one CSV per bank).')
    .option('--out <dir>', 'output directory', 'data')
    .option('--seed <n>', 'random seed (same seed, same data)', '2026')
    .option('--scale <x>', "multiply every bank's loan count", '1')
    .parse(process.argv);
  const o = program.opts<{ out: string; seed: string; scale: string }>();
  writeConsortium(o.out, { seed: Number(o.seed), scale: Number(o.scale) })
    .then((banks) => {
      for (const b of banks)
        process.stdout.write(`${b.path}\t${b.rows} rows\tdefault rate ${(b.defaultRate * 100).toFixed(1)}%\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
