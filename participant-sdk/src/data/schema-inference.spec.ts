import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTrainingPlan, seededRandom } from '@syndicate/protocol';
import { loadCsvDataset } from './csv-dataset';
import { compactSchema, inferSchemaFromCsv } from './schema-inference';

const write = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-infer-')), 'data.csv');
  fs.writeFileSync(file, text);
  return file;
};

/** 400 loans: a skewed balance, a plain ratio with gaps, a region with gaps, an id, a constant, a free-text date. */
function loans(): string {
  const r = seededRandom(3);
  const regions = ['north', 'north', 'north', 'south', 'south', 'east'];
  const lines = ['loan_id,balance,dti,region,currency,opened,Bad Name,default'];
  for (let i = 0; i < 400; i++) {
    const balance = Math.round(Math.exp(8 + 1.5 * (r() + r() + r() - 1.5) * 2));
    const dti = i % 10 === 3 ? 'NA' : (r() * 0.8).toFixed(3);
    const region = i % 25 === 0 ? '' : regions[Math.floor(r() * regions.length)];
    lines.push(
      `L${i},${balance},${dti},${region},EUR,2024-01-${String((i % 28) + 1).padStart(2, '0')}T${i},x,${r() < 0.1 ? 1 : 0}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('inferSchemaFromCsv', () => {
  it('proposes numeric and categorical features, missing policies and the target, and leaves out what cannot be a feature', async () => {
    const file = write(loans());
    const r = await inferSchemaFromCsv(file);
    expect(r.rows).toBe(400);
    expect(r.schema.target).toEqual({ name: 'default' });
    const [balance, dti, region] = r.schema.features;
    expect(r.schema.features).toHaveLength(3);
    expect(balance).toMatchObject({ name: 'balance', type: 'numeric', log1p: true, missing: 'error' });
    expect(dti).toMatchObject({ name: 'dti', type: 'numeric', log1p: false, missing: 'mean' });
    expect(dti.type === 'numeric' && dti.center).toBeCloseTo(0.4, 1);
    expect(region).toEqual({
      name: 'region',
      type: 'categorical',
      vocabulary: ['north', 'south', 'east'],
      missing: 'category',
    });
    const skipped = Object.fromEntries(r.columns.filter((c) => c.role === 'skipped').map((c) => [c.name, c.note]));
    expect(skipped).toEqual({
      loan_id: 'looks like an identifier',
      currency: 'constant ("EUR")',
      opened: expect.stringMatching(/^more than 50 distinct values and not numeric \(row 2: "2024-01-01T0"\)/),
      'Bad Name': expect.stringMatching(/not a valid feature name/),
    });
    // The proposal, pasted into a plan, loads this very file.
    const plan = parseTrainingPlan({
      name: 'inferred',
      schema: compactSchema(r.schema),
      model: { template: 'logistic_regression' },
    });
    const ds = await loadCsvDataset(file, plan.schema);
    expect(ds.rows).toBe(400);
    expect(ds.inputDim).toBe(1 + 1 + 4);
  });

  it('keeps a wide text column with a higher --max-categories and proposes federated standardization on request', async () => {
    const r = await inferSchemaFromCsv(write(loans()), { maxCategories: 500, federated: true });
    expect(r.schema.features.map((f) => f.name)).toEqual(['balance', 'dti', 'region', 'opened']);
    expect(compactSchema(r.schema).features).toContainEqual({
      name: 'dti',
      type: 'numeric',
      standardize: 'federated',
      missing: 'mean',
    });
  });

  it('finds the target by name or takes --target, and insists on 0/1', async () => {
    expect((await inferSchemaFromCsv(write('x,IS_FRAUD\n1,0\n2,1\n3,0\n'))).schema.target.name).toBe('IS_FRAUD');
    expect((await inferSchemaFromCsv(write('x,flag\n1,0\n2,1\n'), { target: 'flag' })).positiveRate).toBe(0.5);
    await expect(inferSchemaFromCsv(write('x,y\n1,0\n'))).rejects.toThrow(/no target column found.*--target/);
    await expect(inferSchemaFromCsv(write('x,y\n1,0\n'), { target: 'z' })).rejects.toThrow(
      /--target z: no such column/,
    );
    await expect(inferSchemaFromCsv(write('x,label\n1,0\n2,yes\n3,\n'))).rejects.toThrow(
      'target column label must hold only 0 and 1, or name the values that mean 1 with --positive (values: 0, yes): row 3 has "yes" (and 1 more rows)',
    );
  });

  it('maps string labels with --positive and leaves --exclude columns out', async () => {
    const r = await inferSchemaFromCsv(write('cust_no,x,outcome\n1,5,bad\n2,6,good\n3,7,BAD\n4,8,good\n'), {
      target: 'outcome',
      positive: ['bad'],
      exclude: ['cust_no'],
    });
    expect(r.positiveRate).toBe(0.5);
    expect(r.schema.target).toEqual({ name: 'outcome', positive: ['bad'] });
    expect(r.schema.exclude).toEqual(['cust_no']);
    expect(r.schema.features.map((f) => f.name)).toEqual(['x']);
    expect(r.columns.find((c) => c.name === 'cust_no')?.note).toBe('excluded');
    await expect(
      inferSchemaFromCsv(write('x,outcome\n1,bad\n'), { target: 'outcome', positive: ['bad'], exclude: ['nope'] }),
    ).rejects.toThrow('--exclude names columns the file does not have: nope');
  });
});
