import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as os from 'os';
import { pinEachOther } from '@syndicate/examples';
import { loadCsvDataset, saveIdentity } from '@syndicate/participant';
import { parseTrainingPlan, type TrainingPlanInput } from '@syndicate/protocol';
import { lightSecureRound, type LightSecureRound } from '../support/light-secure-round';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';

const execFileAsync = promisify(execFile);
const AGENT_MAIN = require.resolve('@syndicate/participant/dist/cli/main.js');
const creditPlan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

/**
 * Three banks' extracts as real ones differ: other category sets (a job only bank C has, a rare one only
 * bank B has), missing values only at bank C, a column constant at bank A, string labels, an id column.
 */
function bankFiles(dir: string): { name: string; file: string; text: string }[] {
  const rows = (n: number, row: (i: number) => string[]) => Array.from({ length: n }, (_, i) => row(i).join(','));
  const banks: Record<string, string[]> = {
    a: rows(60, (i) => [
      `a${i}`,
      ['clerk', 'manager'][i % 2],
      'north',
      String(20 + (i % 30)),
      String(10 * 3 ** (i % 12)),
      i % 5 === 0 ? 'bad' : 'good',
    ]),
    b: rows(60, (i) => [
      `b${i}`,
      i < 2 ? 'astronaut' : ['clerk', 'manager', 'clerk'][i % 3],
      ['north', 'south'][i % 2],
      String(30 + (i % 25)),
      String(50 * i * i),
      i % 4 === 0 ? 'BAD' : 'good',
    ]),
    c: rows(60, (i) => [
      `c${i}`,
      i % 9 === 0 ? '' : ['farmer', 'clerk', 'manager'][i % 3],
      ['south', 'east'][i % 2],
      i % 11 === 0 ? 'NA' : String(25 + (i % 40)),
      String(10 * i),
      i % 3 === 0 ? 'yes' : 'no',
    ]),
  };
  return Object.entries(banks).map(([name, lines]) => {
    const file = path.join(dir, `schema-${name}.csv`);
    const text = ['customer_id,job,region,age,balance,outcome', ...lines].join('\n') + '\n';
    fs.writeFileSync(file, text);
    return { name, file, text };
  });
}

describe(`federated schema (${testDatabaseKind()})`, () => {
  let h: Harness;
  let s: LightSecureRound | undefined;
  afterAll(async () => {
    s?.close();
    await h?.stop();
  });

  it("three banks propose one schema from encrypted tallies; it accepts every bank's file and the coordinator never holds a bank's categories or counts", async () => {
    h = await startHarness('schema');
    // Three enrolled members holding a dealt key epoch (no training needed), saved as agents' state
    // directories whose operators pinned each other, as the README says.
    s = await lightSecureRound(
      h,
      {
        ...creditPlan,
        name: 'schema-fed',
        rounds: { ...creditPlan.rounds, minParticipants: 3 },
        aggregation: { mode: 'secure' },
      },
      [
        ['a', 60],
        ['b', 60],
        ['c', 60],
      ],
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-schema-'));
    const stateDirs = s.members.map((m) => {
      const stateDir = path.join(dir, 'agents', m.name);
      saveIdentity(stateDir, m.identity);
      return stateDir;
    });
    await pinEachOther(stateDirs.map((stateDir, i) => ({ name: s!.members[i].name, stateDir })));
    const collection = await h.admin.call<{ id: string; state: string; members: number }>(
      'POST',
      `/v1/federations/${s.federationId}/schema-collections`,
      { minCategoryCount: 5 },
    );
    expect(collection).toMatchObject({ state: 'names', members: 3 });
    const c = { federationId: s.federationId, dir };

    const files = bankFiles(c.dir);
    const proposals = await Promise.all(
      stateDirs.map((stateDir, i) =>
        execFileAsync(process.execPath, [
          AGENT_MAIN,
          'schema',
          'propose',
          '--state-dir',
          stateDir,
          '--data',
          files[i].file,
          '--target',
          'outcome',
          '--positive',
          'bad,yes',
          '--exclude',
          'customer_id',
          '--scaling',
          'consortium',
          '--json',
        ]),
      ),
    );
    // Every bank decrypted the same sum and merged it the same way.
    expect(new Set(proposals.map((p) => p.stdout)).size).toBe(1);
    const schema = JSON.parse(proposals[0].stdout) as TrainingPlanInput['schema'];
    expect(proposals[0].stderr).toMatch(/3 banks, 180 rows consortium-wide/);

    const plan = parseTrainingPlan({ name: 'proposed', model: { template: 'logistic_regression' }, schema });
    const feature = (n: string) => plan.schema.features.find((f) => f.name === n);
    // astronaut (2 rows, k = 5) goes to __other__; farmer, seen only at bank C but 20 times, stays.
    expect(feature('job')).toMatchObject({
      type: 'categorical',
      vocabulary: ['clerk', 'manager', 'farmer', '__other__'],
      missing: 'category',
    });
    // Constant at bank A, varying elsewhere: kept. Missing only at bank C: missing policy for everyone.
    expect(feature('region')).toMatchObject({ type: 'categorical', missing: 'error' });
    expect(feature('age')).toMatchObject({ type: 'numeric', missing: 'mean', log1p: false });
    expect(feature('balance')).toMatchObject({ type: 'numeric', log1p: true });
    expect(plan.schema.target).toEqual({ name: 'outcome', positive: ['bad', 'yes'] });
    for (const b of files) {
      const ds = await loadCsvDataset(b.file, plan.schema);
      expect(ds.rows).toBe(60);
    }

    // What the coordinator stored and logged: tags, sealed names, ciphertexts, progress. No category name,
    // which the proposal (positive control) shows in the clear, and no count appears in any row.
    const stored = JSON.stringify([
      await rawQuery(h.databaseUrl, 'SELECT * FROM schema_collections'),
      await rawQuery(h.databaseUrl, 'SELECT * FROM schema_contributions'),
      await rawQuery(h.databaseUrl, "SELECT * FROM audit_events WHERE action LIKE 'schema.%'"),
    ]);
    // Outside base64 (tags, sealed names and ciphertexts are base64): a name would stand on its own.
    const inClear = (name: string) => new RegExp(`(^|[^A-Za-z0-9+/])${name}($|[^A-Za-z0-9+/=])`);
    for (const name of ['clerk', 'manager', 'farmer', 'astronaut', 'north', 'south', 'east'])
      expect(stored).not.toMatch(inClear(name));
    expect(proposals[0].stdout).toMatch(inClear('farmer'));
    const contributions = await rawQuery(h.databaseUrl, 'SELECT step, body FROM schema_contributions');
    expect(contributions.map((r) => r.step).sort()).toEqual(['names', 'names', 'names', 'tally', 'tally', 'tally']);
    for (const r of contributions.filter((x) => x.step === 'names')) {
      const names = JSON.parse(String(r.body)) as { columns: string[]; categories: Record<string, unknown>[] };
      // Only the header and, per category, a tag and a sealed name: nothing that counts.
      for (const cat of names.categories) expect(Object.keys(cat).sort()).toEqual(['column', 'name', 'tag']);
    }
    const [status] = await h.admin.call<{ state: string; talliesReceived: number }[]>(
      'GET',
      `/v1/federations/${c.federationId}/schema-collections`,
    );
    expect(status).toMatchObject({ state: 'closed', talliesReceived: 3 });
  });
});
