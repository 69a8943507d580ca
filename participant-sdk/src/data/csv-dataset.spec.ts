import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataSchemaSchema, type DataSchema } from '@syndicate/protocol';
import { loadCsvDataset } from './csv-dataset';
import { DataValidationError } from './data-errors';
import { featureMomentsOfRows, localFeatureMoments } from './feature-moments';
import { holdoutMask, splitHoldout } from './holdout-split';

const schema: DataSchema = dataSchemaSchema.parse({
  features: [
    { name: 'income', type: 'numeric', center: 0, scale: 1, log1p: true },
    { name: 'region', type: 'categorical', vocabulary: ['north', 'south'] },
    { name: 'dti', type: 'numeric', center: 0.5, scale: 0.25, log1p: false },
  ],
  target: { name: 'default' },
  unknownCategory: 'error',
});

const withMissing = dataSchemaSchema.parse({
  features: [
    { name: 'income', type: 'numeric', center: 1, scale: 2, log1p: true, missing: 'constant', fill: 0 },
    { name: 'region', type: 'categorical', vocabulary: ['north', 'south'], missing: 'category' },
    { name: 'dti', type: 'numeric', center: 0.5, scale: 0.25, missing: 'mean' },
  ],
  target: { name: 'default' },
});

const write = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-csv-')), 'data.csv');
  fs.writeFileSync(file, text);
  return file;
};

async function refusal(text: string, s: DataSchema = schema): Promise<DataValidationError> {
  try {
    await loadCsvDataset(write(text), s);
  } catch (e) {
    if (e instanceof DataValidationError) return e;
    throw e;
  }
  throw new Error('expected a DataValidationError');
}
const problems = async (text: string, s: DataSchema = schema) => (await refusal(text, s)).problems;

describe('loadCsvDataset', () => {
  it('encodes numeric (log1p, scaled) and one-hot categorical columns in schema order', async () => {
    const ds = await loadCsvDataset(
      write('id,default,region,income,dti\n7,1,south,0,0.75\n8,0,north,1.718281828,0.5\n'),
      schema,
    );
    expect(ds.rows).toBe(2);
    expect(ds.inputDim).toBe(4);
    expect(Array.from(ds.features)).toEqual([0, 0, 1, 1, expect.closeTo(1, 6), 1, 0, 0]);
    expect(Array.from(ds.labels)).toEqual([1, 0]);
  });

  it('grows past its initial buffer without losing rows', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i % 2 ? 'north' : 'south'},0.5,${i % 2}`);
    const ds = await loadCsvDataset(write(`income,region,dti,default\n${rows.join('\n')}\n`), schema);
    expect(ds.rows).toBe(3000);
    expect(ds.features[2999 * 4]).toBeCloseTo(Math.log1p(2999), 5);
    expect(ds.labels[2999]).toBe(1);
  });

  it('names the file line and column of every bad value', async () => {
    expect(await problems('income,region,dti,default\n1,north,0.1,0\nlots,south,0.2,1\n2,mars,,2\n')).toEqual([
      'row 3, column income: "lots" is not a number',
      'row 4, column region: "mars" is not in the vocabulary (north, south; unknownCategory: error)',
      'row 4, column dti: missing value (numeric feature)',
      'row 4, column default: target must be 0 or 1, got "2" (list the values that mean 1 in target.positive)',
    ]);
  });

  it('refuses a negative value where the schema applies log1p', async () => {
    expect(await problems('income,region,dti,default\n-5,north,0.1,0\n')).toEqual([
      'row 2, column income: -5 is negative but the schema applies log1p',
    ]);
  });

  it('names columns missing from the header', async () => {
    expect(await problems('income,dti,default\n1,0.1,0\n')).toEqual([
      expect.stringMatching(/^row 1, column region: missing from the header/),
    ]);
    expect(await problems('income,region,dti,default,dti\n1,north,0.1,0,2\n')).toEqual([
      'row 1, column dti: appears more than once in the header',
    ]);
  });

  it('names each missing column once and the unused header columns once, never the whole header per column', async () => {
    const wide = dataSchemaSchema.parse({ ...schema, exclude: ['id'] });
    const found = await problems('id,inc,reg,dti,default,branch\n1,1,north,0.1,0,x\n', wide);
    expect(found).toEqual([
      'row 1, column income: missing from the header',
      'row 1, column region: missing from the header',
      'row 1: the header has 3 columns the plan neither uses nor excludes: inc, reg, branch',
    ]);
  });

  it('maps string labels with target.positive and sends unknown categories to __other__ by default', async () => {
    const mapped = dataSchemaSchema.parse({
      features: [{ name: 'region', type: 'categorical', vocabulary: ['north', '__other__'] }],
      target: { column: 'default', positive: ['bad', 'yes', 'TRUE', '1', '1.0'] },
    });
    const ds = await loadCsvDataset(
      write('region,default\nnorth,bad\nmars,good\nnorth,true\nsouth,1.0\nnorth,no\n'),
      mapped,
    );
    expect(Array.from(ds.labels)).toEqual([1, 0, 1, 1, 0]);
    expect(Array.from(ds.features)).toEqual([1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    expect(await problems('region,default\nnorth,\n', mapped)).toEqual(['row 2, column default: missing target value']);
    // Without an __other__ entry an unseen value lights no column; `error` refuses it, naming the column.
    const plain = dataSchemaSchema.parse({
      ...mapped,
      features: [{ name: 'region', type: 'categorical', vocabulary: ['north'] }],
    });
    expect(Array.from((await loadCsvDataset(write('region,default\nmars,bad\n'), plain)).features)).toEqual([0]);
    const strict = dataSchemaSchema.parse({ ...plain, unknownCategory: 'error' });
    expect(await problems('region,default\nmars,bad\n', strict)).toEqual([
      'row 2, column region: "mars" is not in the vocabulary (north; unknownCategory: error)',
    ]);
  });

  it('reports a row with the wrong number of fields', async () => {
    expect((await problems('income,region,dti,default\n1,north,0.1\n'))[0]).toMatch(/^row 2: /);
    expect(await problems('income,region,dti,default\n1,north,0.1,0\n1,north,0.1,0,extra\n')).toEqual([
      'row 3: has 5 fields, the header has 4',
    ]);
  });

  it('numbers rows as a spreadsheet shows them: blank lines count, a quoted multi-line cell is one row', async () => {
    const text =
      'income,region,dti,default\r\n1,north,0.1,0\r\n\r\n2,"so\nuth",0.2,1\r\n3,"south, ""big""",0.3,1\r\n4,north,x,0\r\n';
    expect(await problems(text)).toEqual([
      'row 4, column region: "so\\nuth" is not in the vocabulary (north, south; unknownCategory: error)',
      'row 5, column region: "south, \\"big\\"" is not in the vocabulary (north, south; unknownCategory: error)',
      'row 6, column dti: "x" is not a number',
    ]);
  });

  it('names the row of a CSV syntax error after the problems before it', async () => {
    expect(await problems('income,region,dti,default\n1,mars,0.1,0\n2,"north,0.1,0\n')).toEqual([
      'row 2, column region: "mars" is not in the vocabulary (north, south; unknownCategory: error)',
      expect.stringMatching(/^row 3: not valid CSV: Quote Not Closed/),
    ]);
  });

  it('lists the first 50 problems, counts the rest, and refuses the whole file', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => (i % 2 ? '1,north,0.1,0' : `${i},north,bad,0`));
    const e = await refusal(`income,region,dti,default\n${rows.join('\n')}\n`);
    expect(e.problems).toHaveLength(50);
    expect(e.problems[0]).toBe('row 2, column dti: "bad" is not a number');
    expect(e.moreProblems).toBe(10);
    expect(e.truncated).toBe(true);
    expect(e.message).toMatch(/\.\.\. and 10 more problems$/);
  });

  it("treats empty, NA, NaN and null cells as missing and follows each feature's policy", async () => {
    expect(await problems('income,region,dti,default\nNA,null,NaN,1\n')).toEqual([
      'row 2, column income: missing value (numeric feature)',
      'row 2, column region: missing value (categorical feature)',
      'row 2, column dti: missing value (numeric feature)',
    ]);
    const ds = await loadCsvDataset(write('income,region,dti,default\nna,,NULL,1\n0,south,0.75,0\n'), withMissing);
    expect(ds.inputDim).toBe(1 + 3 + 1);
    // income: fill 0 -> (log1p(0) - 1) / 2; region: the __missing__ column; dti: the center, 0 after scaling.
    expect(Array.from(ds.features)).toEqual([-0.5, 0, 0, 1, 0, -0.5, 0, 1, 0, 1]);
    // The target is never imputed.
    expect(await problems('income,region,dti,default\n1,north,0.1,NA\n', withMissing)).toEqual([
      'row 2, column default: target must be 0 or 1, got "NA" (list the values that mean 1 in target.positive)',
    ]);
  });

  it('keeps a vocabulary value that looks like a missing token', async () => {
    const s = dataSchemaSchema.parse({
      features: [{ name: 'grade', type: 'categorical', vocabulary: ['A', 'NA'] }],
      target: { name: 'y' },
    });
    expect(Array.from((await loadCsvDataset(write('grade,y\nNA,1\nA,0\n'), s)).features)).toEqual([0, 1, 1, 0]);
  });

  it('refuses an empty file, a header without rows, and hex or infinite numbers', async () => {
    expect(await problems('')).toEqual(['row 1: the file is empty (no header)']);
    expect(await problems('income,region,dti,default\n')).toEqual(['row 2: the file has a header but no data rows']);
    expect(await problems('income,region,dti,default\n0x10,north,Infinity,0\n')).toEqual([
      'row 2, column income: "0x10" is not a number',
      'row 2, column dti: "Infinity" is not a number',
    ]);
  });
});

describe('localFeatureMoments', () => {
  const federated = dataSchemaSchema.parse({
    features: [
      { name: 'income', type: 'numeric', log1p: true, standardize: 'federated', missing: 'mean' },
      { name: 'region', type: 'categorical', vocabulary: ['north', 'south'] },
      { name: 'dti', type: 'numeric', standardize: 'federated' },
      { name: 'age', type: 'numeric' },
    ],
    target: { name: 'default' },
  });

  const noHoldout = { fraction: 0, seed: 1 }; // still one row held out: the split keeps one on each side

  it('sums raw values (after log1p) of federated features over training rows, skipping missing cells', async () => {
    const rows = [
      { income: '0', region: 'north', dti: '0.5', age: '30', default: '0' },
      { income: 'NA', region: 'south', dti: '1.5', age: '40', default: '1' },
      { income: '1.718281828459045', region: 'north', dti: '1', age: '50', default: '0' },
      { income: '3', region: 'south', dti: '2', age: '60', default: '1' },
    ];
    const text = `income,region,dti,age,default\n${rows.map((r) => Object.values(r).join(',')).join('\n')}\n`;
    const held = holdoutMask(rows.length, noHoldout.fraction, noHoldout.seed);
    const m = await localFeatureMoments(write(text), federated, noHoldout);
    expect(m).toEqual(
      featureMomentsOfRows(
        federated,
        rows.filter((_, i) => !held[i]),
      ),
    );
    expect(m.count[1]).toBe(3);
    expect(
      featureMomentsOfRows(federated, [
        { income: '0', dti: '2' },
        { income: '', dti: '4' },
      ]),
    ).toEqual({ count: [1, 2], sum: [0, 6], sumSquares: [0, 20] });
    expect(featureMomentsOfRows(federated, [rows[0], rows[2]]).sum[0]).toBeCloseTo(1, 12);
  });

  it('never learns from holdout rows: the same split the agent scores on', async () => {
    const n = 50;
    const split = { fraction: 0.2, seed: 7 };
    const held = holdoutMask(n, split.fraction, split.seed);
    // Holdout rows carry an outlier: it must not move the training moments.
    const lines = Array.from({ length: n }, (_, i) => `1,north,${held[i] ? 1000 : 1},30,0`);
    const m = await localFeatureMoments(
      write(`income,region,dti,age,default\n${lines.join('\n')}\n`),
      federated,
      split,
    );
    expect(m.count[1]).toBe(40);
    expect(m.sum[1]).toBe(40);
    expect(
      await localFeatureMoments(write(`income,region,dti,age,default\n${lines.join('\n')}\n`), federated, split, n),
    ).toEqual(m);
  });

  it('says so when the file changed since the agent counted its rows', async () => {
    await expect(
      localFeatureMoments(
        write('income,region,dti,age,default\n1,north,1,30,0\n2,south,1,30,1\n'),
        federated,
        noHoldout,
        3,
      ),
    ).rejects.toThrow(/changed while it was read \(3 data rows, now 2\)/);
  });

  it('refuses a file with bad rows before any statistic is computed', async () => {
    await expect(
      localFeatureMoments(
        write('income,region,dti,age,default\n-1,north,0.5,30,0\n2,south,1,30,1\n'),
        federated,
        noHoldout,
      ),
    ).rejects.toThrow(/row 2, column income: -1 is negative/);
  });
});

describe('splitHoldout', () => {
  const ds = {
    features: Float32Array.from({ length: 100 }, (_, i) => i),
    labels: new Float32Array(100),
    rows: 100,
    inputDim: 1,
  };

  it('is deterministic for a seed and partitions the rows', () => {
    const a = splitHoldout(ds, 0.2, 7);
    const b = splitHoldout(ds, 0.2, 7);
    expect(a.holdout.features).toEqual(b.holdout.features);
    expect(a.holdout.rows).toBe(20);
    const all = [...a.train.features, ...a.holdout.features].sort((x, y) => x - y);
    expect(all).toEqual(Array.from(ds.features));
    expect(splitHoldout(ds, 0.2, 8).holdout.features).not.toEqual(a.holdout.features);
  });
});
