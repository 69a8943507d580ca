import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateConsortium, toCsv, runSimulation } from '@syndicate/examples';

const planPath = path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json');

describe('simulate with broken bank data', () => {
  it('refuses before starting anything, listing every problem of every bank by row and column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-bad-data-'));
    const [a, b, c] = generateConsortium({ seed: 3, scale: 0.01 }).banks;
    const lines = toCsv(a.rows).split('\n');
    lines[2] = lines[2].replace(/,west,|,north,|,south,|,east,/, ',,'); // row 3: a region missing (the plan's policy: error)
    lines[5] = lines[5].replace(/,0$|,1$/, ',2'); // row 6: a target that is not 0/1
    fs.writeFileSync(path.join(dir, 'a.csv'), lines.join('\n'));
    const other = toCsv(b.rows).split('\n');
    other[1] = other[1].replace(/^\d+/, 'lots'); // row 2: income is not a number
    fs.writeFileSync(path.join(dir, 'b.csv'), other.join('\n'));
    fs.writeFileSync(path.join(dir, 'c.csv'), toCsv(c.rows));
    const work = path.join(dir, 'work');
    const run = runSimulation({
      planPath,
      banks: ['a', 'b', 'c'].map((name) => ({ name, csv: path.join(dir, `${name}.csv`) })),
      rounds: 1,
      outFile: path.join(dir, 'r.json'),
      workDir: work,
    });
    const err = await run.then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/nothing was started/);
    expect(err?.message).toMatch(/bank a:[\s\S]*row 3, column region[\s\S]*row 6, column default/);
    expect(err?.message).toMatch(/bank b:[\s\S]*row 2, column income/);
    expect(err?.message).not.toMatch(/bank c:/);
    expect(fs.existsSync(path.join(work, 'coordinator.sqlite'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'r.json'))).toBe(false);
  });
});
