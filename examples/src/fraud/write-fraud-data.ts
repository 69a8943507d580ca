#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { generateFraudConsortium, transactionsCsv } from './fraud-consortium';
import type { FraudPattern } from './fraud-patterns';

export interface WrittenFraudBank {
  name: string;
  path: string;
  rows: number;
  cards: number;
  fraudRate: number;
  patterns: Record<FraudPattern, number>;
}

/** Writes one transaction file per bank into `outDir`. */
export async function writeFraudConsortium(
  outDir: string,
  o: { seed?: number; scale?: number } = {},
): Promise<WrittenFraudBank[]> {
  await fs.promises.mkdir(outDir, { recursive: true });
  return Promise.all(
    generateFraudConsortium(o).map(async (b) => {
      const file = path.join(outDir, `${b.name}.csv`);
      await fs.promises.writeFile(file, transactionsCsv(b.name, b.transactions));
      return {
        name: b.name,
        path: file,
        rows: b.transactions.length,
        cards: b.cards,
        fraudRate: b.fraudRate,
        patterns: b.patterns,
      };
    }),
  );
}

if (require.main === module) {
  const program = new Command('syndicate-generate-fraud-data')
    .description('Write the synthetic card-fraud consortium (one transaction file per bank, time-ordered).')
    .option('--out <dir>', 'output directory', 'data/fraud')
    .option('--seed <n>', 'random seed (same seed, same data)', '2026')
    .option('--scale <x>', "multiply every bank's number of cards", '1')
    .parse(process.argv);
  const o = program.opts<{ out: string; seed: string; scale: string }>();
  writeFraudConsortium(o.out, { seed: Number(o.seed), scale: Number(o.scale) })
    .then((banks) => {
      for (const b of banks)
        process.stdout.write(
          `${b.path}\t${b.rows} transactions\t${b.cards} cards\tfraud rate ${(b.fraudRate * 100).toFixed(2)}%\n`,
        );
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
