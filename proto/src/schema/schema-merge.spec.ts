import { dataSchemaSchema } from '../plan/training-plan';
import type { SchemaIndex } from './category-tags';
import { emptyColumnTally, tallyPresentCell } from './column-tally';
import { mergeSchema, momentsOf, wantsLog1p, type MergeOptions } from './schema-merge';
import { decodeSchemaFields, encodeSchemaFields, type ColumnTally, type ConsortiumColumn } from './schema-sum';
import { secureAggregationSpec } from '../he/secure-update';
import { DEFAULT_HE_PARAMETER_SET } from '../he/parameter-sets';

/** Tallies of a list of cells, as a member computes them (numbers parsed, "" missing). */
function tally(cells: string[]): ColumnTally {
  const t = emptyColumnTally();
  for (const cell of cells) {
    if (cell === '') t.missing++;
    else tallyPresentCell(t, cell, Number.isFinite(Number(cell)) ? Number(cell) : undefined, Infinity);
  }
  return t;
}

const add = (a: ColumnTally[], index: SchemaIndex, name: string): ConsortiumColumn => {
  const tags = index.columns.find((c) => c.name === name)!.tags;
  const sum = (k: keyof Omit<ColumnTally, 'counts'>) => a.reduce((n, t) => n + t[k], 0);
  return {
    present: sum('present'),
    missing: sum('missing'),
    nonNumeric: sum('nonNumeric'),
    negative: sum('negative'),
    notBinary: sum('notBinary'),
    n: sum('n'),
    sum: sum('sum'),
    sumSq: sum('sumSq'),
    sumCube: sum('sumCube'),
    logSum: sum('logSum'),
    logSumSq: sum('logSumSq'),
    logSumCube: sum('logSumCube'),
    tagCounts: tags.map((t) => a.reduce((n, x) => n + (x.counts?.get(t.name) ?? 0), 0)),
    untagged: 0,
  };
};

const options: MergeOptions = { minCategoryCount: 5, maxCategories: 50, scaling: 'consortium', target: { name: 'y' } };
const rep = (v: string, n: number) => Array<string>(n).fill(v);

describe('mergeSchema', () => {
  // Three banks: different category sets, missing values only at bank C, a column constant at bank A.
  const banks = {
    job: [
      [...rep('clerk', 20), ...rep('manager', 10)],
      [...rep('clerk', 15), ...rep('pilot', 3)],
      [...rep('manager', 8), ...rep('farmer', 6), ...rep('', 2)],
    ],
    branch: [rep('north', 30), [...rep('north', 9), ...rep('south', 9)], [...rep('south', 16)]],
    flag: [
      [...rep('0', 25), ...rep('1', 5)],
      [...rep('1', 9), ...rep('0', 9)],
      [...rep('0', 8), ...rep('1', 8)],
    ],
    income: [
      rep('5', 30),
      Array.from({ length: 18 }, (_, i) => String(i ** 4)),
      [...Array.from({ length: 12 }, (_, i) => String(i * 1000)), ...rep('', 4)],
    ],
  };
  const names = Object.keys(banks) as (keyof typeof banks)[];
  const index: SchemaIndex = {
    columns: [...names, 'y'].map((name) => ({
      name,
      tags:
        name === 'y'
          ? []
          : [...new Set(banks[name as keyof typeof banks].flat().filter(Boolean))]
              .sort()
              .map((v) => ({ tag: v, name: v })),
    })),
    notEverywhere: ['customer_id'],
  };
  const yTally = tally(rep('0', 1));
  const columns = [...names.map((n) => add(banks[n].map(tally), index, n)), add([yTally], index, 'y')];
  const { schema, columns: notes } = mergeSchema(index, columns, options);
  const feature = (n: string) => schema.features.find((f) => f.name === n);

  it('folds categories seen fewer than k times consortium-wide into __other__ and keeps the rest by count', () => {
    expect(feature('job')).toEqual({
      name: 'job',
      type: 'categorical',
      vocabulary: ['clerk', 'manager', 'farmer', '__other__'],
      missing: 'category',
    });
    expect(notes.find((c) => c.name === 'job')?.note).toBe(
      '3 values, 1 rare value (3 rows) -> __other__, 2 missing consortium-wide -> missing: category',
    );
  });

  it('keeps a column constant at one bank when the others vary', () => {
    expect(feature('branch')).toMatchObject({ type: 'categorical', vocabulary: ['north', 'south'], missing: 'error' });
    expect(feature('income')).toMatchObject({ type: 'numeric', missing: 'mean' });
  });

  it('never proposes log1p for a 0/1 column, and decides it once from consortium skew', () => {
    expect(feature('flag')).toMatchObject({ type: 'numeric', log1p: false, missing: 'error' });
    expect(feature('income')).toMatchObject({ log1p: true });
  });

  it('leaves out the target, columns some bank lacks, and constant columns, saying why', () => {
    expect(schema.features.map((f) => f.name)).toEqual(['job', 'branch', 'flag', 'income']);
    expect(notes.find((c) => c.name === 'customer_id')?.note).toBe("not in every bank's file");
    const constant = mergeSchema(
      index,
      columns.map((c, i) => (i === 3 ? add([tally(rep('5', 3)), tally(rep('5', 4))], index, 'income') : c)),
      options,
    );
    expect(constant.columns.find((c) => c.name === 'income')).toEqual({
      name: 'income',
      role: 'skipped',
      note: 'constant consortium-wide (5)',
    });
  });

  it('writes a schema the plan validator accepts', () => {
    expect(dataSchemaSchema.safeParse(schema).success).toBe(true);
  });

  it('reads skew from sums of powers like a direct computation', () => {
    const xs = [1, 2, 3, 50];
    const m = momentsOf(
      4,
      xs.reduce((a, b) => a + b),
      xs.reduce((a, b) => a + b * b, 0),
      xs.reduce((a, b) => a + b ** 3, 0),
    );
    const mean = 14;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(m.std).toBeCloseTo(sd, 9);
    expect(m.skew).toBeCloseTo(xs.reduce((a, b) => a + ((b - mean) / sd) ** 3, 0) / 4, 9);
    expect(wantsLog1p({ ...columns[2], notBinary: 0 }).log1p).toBe(false);
  });

  it('sums members exactly through the integer field encoding', () => {
    const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 100 });
    const perBank = [0, 1, 2].map((b) =>
      encodeSchemaFields(
        index,
        new Map([...names.map((n) => [n, tally(banks[n][b])] as const), ['y', yTally]]),
        (_c, v) => v,
        spec,
      ),
    );
    const summed = perBank[0].map((_, i) => perBank.reduce((n, f) => n + f[i], 0));
    const decoded = decodeSchemaFields(summed, index, spec);
    decoded.slice(0, 4).forEach((c, i) => {
      const want = columns[i];
      expect(c.tagCounts).toEqual(want.tagCounts);
      expect([c.present, c.missing, c.nonNumeric, c.negative, c.notBinary, c.n]).toEqual([
        want.present,
        want.missing,
        want.nonNumeric,
        want.negative,
        want.notBinary,
        want.n,
      ]);
      expect(c.sum).toBeCloseTo(want.sum, 4);
      expect(Math.abs(c.sumCube - want.sumCube)).toBeLessThanOrEqual(1e-9 * Math.abs(want.sumCube) + 1e-3);
    });
  });
});
