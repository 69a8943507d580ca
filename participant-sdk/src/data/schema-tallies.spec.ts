import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataValidationError } from './data-errors';
import { tallyCsv } from './schema-tallies';

const write = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-tally-')), 'data.csv');
  fs.writeFileSync(file, text);
  return file;
};

describe('tallyCsv', () => {
  it('tallies every column but the target and excluded ones, mapping string labels', async () => {
    const t = await tallyCsv(write('id,job,income,flag,y\n1,clerk,10,0,bad\n2,pilot,NA,1,good\n3,clerk,-2,1,YES\n'), {
      target: { name: 'y', positive: ['bad', 'yes'] },
      exclude: ['id'],
      maxCategories: 50,
    });
    expect(t.columns).toEqual(['job', 'income', 'flag']);
    expect([t.rows, t.positives]).toEqual([3, 2]);
    expect(t.tallies.get('job')).toMatchObject({
      present: 3,
      nonNumeric: 3,
      counts: new Map([
        ['clerk', 2],
        ['pilot', 1],
      ]),
    });
    expect(t.tallies.get('income')).toMatchObject({
      present: 2,
      missing: 1,
      negative: 1,
      n: 2,
      sum: 8,
      sumSq: 104,
      sumCube: 992,
    });
    // log1p sums only while no value is negative; the merge never proposes log1p once one is.
    expect(t.tallies.get('income')!.logSum).toBeCloseTo(Math.log1p(10), 12);
    expect(t.tallies.get('flag')).toMatchObject({ notBinary: 0, n: 3, sum: 2 });
  });

  it('stops listing values past maxCategories, so the column counts as untagged', async () => {
    const t = await tallyCsv(write('c,y\na,0\nb,1\nc,0\n'), { target: { name: 'y' }, maxCategories: 2 });
    expect(t.tallies.get('c')!.counts).toBeUndefined();
  });

  it('refuses labels the mapping cannot read and a missing target column, naming row and column', async () => {
    const refusal = (text: string) =>
      tallyCsv(write(text), { target: { name: 'y' }, maxCategories: 5 }).then(
        () => [],
        (e: DataValidationError) => e.problems,
      );
    expect(await refusal('x,y\n1,yes\n')).toEqual([
      'row 2, column y: target must be 0 or 1, got "yes" (list the values that mean 1 in target.positive)',
    ]);
    expect(await refusal('x,z\n1,0\n')).toEqual(['row 1, column y: missing from the header']);
  });
});
