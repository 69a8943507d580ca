import type { ColumnTally } from './schema-sum';

/** A tally being built: value counts stay listable until the column has too many distinct values. */
export type BuildingTally = ColumnTally & { counts: Map<string, number> | undefined };

export function emptyColumnTally(): BuildingTally {
  return {
    present: 0,
    missing: 0,
    nonNumeric: 0,
    negative: 0,
    notBinary: 0,
    n: 0,
    sum: 0,
    sumSq: 0,
    sumCube: 0,
    logSum: 0,
    logSumSq: 0,
    logSumCube: 0,
    counts: new Map(),
  };
}

/**
 * Adds one present cell: its value count, whether it is 0/1, and, when it is a number (`x`), its powers and
 * those of log1p(x). The caller decides what is missing and how a cell parses, so both sides of a test agree.
 */
export function tallyPresentCell(t: BuildingTally, text: string, x: number | undefined, maxCategories: number): void {
  t.present++;
  if (t.counts) {
    t.counts.set(text, (t.counts.get(text) ?? 0) + 1);
    // Too many values to list: the column's rows count as untagged (they go to __other__ if it is categorical).
    if (t.counts.size > maxCategories) t.counts = undefined;
  }
  if (text !== '0' && text !== '1') t.notBinary++;
  if (x === undefined) {
    t.nonNumeric++;
    return;
  }
  t.n++;
  t.sum += x;
  t.sumSq += x * x;
  t.sumCube += x * x * x;
  if (x < 0) t.negative++;
  else {
    const l = Math.log1p(x);
    t.logSum += l;
    t.logSumSq += l * l;
    t.logSumCube += l * l * l;
  }
}
