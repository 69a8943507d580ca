import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DataSchema } from '@syndicate/protocol';
import { loadCsvDataset } from './csv-dataset';
import { DataValidationError } from './data-errors';
import { splitHoldout } from './holdout-split';

const schema: DataSchema = {
  features: [
    { name: 'income', type: 'numeric', center: 0, scale: 1, log1p: true },
    { name: 'region', type: 'categorical', vocabulary: ['north', 'south'] },
    { name: 'dti', type: 'numeric', center: 0.5, scale: 0.25, log1p: false },
  ],
  target: { name: 'default' },
};

const write = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-csv-')), 'data.csv');
  fs.writeFileSync(file, text);
  return file;
};

async function problems(text: string): Promise<string[]> {
  try {
    await loadCsvDataset(write(text), schema);
  } catch (e) {
    if (e instanceof DataValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a DataValidationError');
}

describe('loadCsvDataset', () => {
  it('encodes numeric (log1p, scaled) and one-hot categorical columns in schema order', async () => {
    const ds = await loadCsvDataset(write('id,default,region,income,dti\n7,1,south,0,0.75\n8,0,north,1.718281828,0.5\n'), schema);
    expect(ds.rows).toBe(2);
    expect(ds.inputDim).toBe(4);
    expect(Array.from(ds.features)).toEqual([0, 0, 1, 1, expect.closeTo(1, 6), 1, 0, 0]);
    expect(Array.from(ds.labels)).toEqual([1, 0]);
  });

  it('names the file line and column of every bad value', async () => {
    expect(await problems('income,region,dti,default\n1,north,0.1,0\nlots,south,0.2,1\n2,mars,,2\n')).toEqual([
      'row 3, column income: "lots" is not a number',
      'row 4, column region: "mars" is not in the vocabulary (north, south)',
      'row 4, column dti: missing value (numeric feature)',
      'row 4, column default: target must be 0 or 1, got "2"',
    ]);
  });

  it('refuses a negative value where the schema applies log1p', async () => {
    expect(await problems('income,region,dti,default\n-5,north,0.1,0\n')).toEqual(['row 2, column income: -5 is negative but the schema applies log1p']);
  });

  it('names columns missing from the header', async () => {
    expect(await problems('income,dti,default\n1,0.1,0\n')).toEqual([expect.stringMatching(/^row 1, column region: missing from the header/)]);
  });

  it('reports a row with the wrong number of fields', async () => {
    expect((await problems('income,region,dti,default\n1,north,0.1\n'))[0]).toMatch(/^row 2: /);
  });
});

describe('splitHoldout', () => {
  const ds = { features: Float32Array.from({ length: 100 }, (_, i) => i), labels: new Float32Array(100), rows: 100, inputDim: 1 };

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
