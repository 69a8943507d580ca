import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@syndicate/coordinator';
import { generateConsortium, toCsv, runSimulation } from '@syndicate/examples';
import { holdoutMask } from '@syndicate/participant';
import { parseTrainingPlan, type TrainingPlanInput } from '@syndicate/protocol';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';

const execFileAsync = promisify(execFile);
const AGENT_MAIN = require.resolve('@syndicate/participant/dist/cli/main.js');

const basePlan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

/** Population mean and standard deviation of a column over every bank's training rows (its holdout split off): what pooling would give. */
function pooled(
  csvs: string[],
  column: string,
  log1p: boolean,
  holdout: { fraction: number; seed: number },
): { n: number; mean: number; sd: number } {
  const xs: number[] = [];
  for (const file of csvs) {
    const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
    const at = header.split(',').indexOf(column);
    const held = holdoutMask(rows.length, holdout.fraction, holdout.seed);
    rows.forEach((r, i) => {
      if (held[i]) return;
      const x = Number(r.split(',')[at]);
      xs.push(log1p ? Math.log1p(x) : x);
    });
  }
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { n: xs.length, mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

type Moments = { count: number[]; sum: number[]; sumSquares: number[] };
type EffectivePlan = { schema: { features: { name: string; center?: number; scale?: number }[] } };

const readEffective = (workDir: string) =>
  JSON.parse(fs.readFileSync(path.join(workDir, 'plan.effective.json'), 'utf8')) as EffectivePlan;

/** The consortium moments the coordinator recorded, and the audit entries of the run. */
async function recorded(
  databaseUrl: string,
): Promise<{ moments: Moments; audit: { action: string; detail: string }[] }> {
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  await ds.initialize();
  try {
    const [f] = (await ds.query('SELECT "featureMomentsJson" FROM federations')) as { featureMomentsJson: string }[];
    const audit = (await ds.query('SELECT action, detail FROM audit_events')) as { action: string; detail: string }[];
    return { moments: JSON.parse(f.featureMomentsJson) as Moments, audit };
  } finally {
    await ds.destroy();
  }
}

describe(`federated standardisation (${testDatabaseKind()})`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-std-'));
  const banks = generateConsortium({ seed: 9, scale: 0.05 })
    .banks.slice(0, 3)
    .map((b) => {
      const csv = path.join(dir, `${b.name}.csv`);
      fs.writeFileSync(csv, toCsv(b.rows));
      return { name: b.name, csv };
    });
  const features = (basePlan.schema as { features: Record<string, unknown>[] }).features.map((f) =>
    f.name === 'income' || f.name === 'age'
      ? { name: f.name, type: 'numeric', log1p: f.log1p ?? false, standardize: 'federated' }
      : f,
  );
  /** One plan for both modes: only aggregation.mode differs between the two runs. */
  const planIn = (mode: 'secure' | 'plaintext') => ({
    ...basePlan,
    name: 'std-federated',
    schema: { ...basePlan.schema, features },
    // Two epochs a round, as this suite was measured with: it trains only 2 rounds.
    training: { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate: 0.01 },
    rounds: { ...basePlan.rounds, minParticipants: 3 },
    // Masked: the feature-statistics sum goes through the same masking path as every other sum.
    aggregation: { mode, secure: { masking: { enabled: true } } },
  });
  /** What the secure run recorded, for the plaintext run to be compared with. */
  let secure: { moments: Moments; effective: EffectivePlan } | undefined;

  it('scales features with consortium mean and variance from encrypted sums; every member agrees and no bank reveals its own', async () => {
    const plan = planIn('secure');
    const planPath = path.join(dir, 'plan.json');
    fs.writeFileSync(planPath, JSON.stringify(plan));
    const databaseUrl = await freshDatabaseUrl('std');
    const result = await runSimulation({
      planPath,
      banks,
      rounds: 2,
      outFile: path.join(dir, 'results.json'),
      workDir: path.join(dir, 'work'),
      databaseUrl,
      deadlineSeconds: 120,
    });
    expect(result.rounds.map((r) => r.state)).toEqual(['published', 'published']);
    expect(result.final!.global!.auc).toBeGreaterThan(0.6);

    const ds = new DataSource(dataSourceOptions(databaseUrl));
    await ds.initialize();
    try {
      const [f] = (await ds.query('SELECT "featureMomentsJson", "featureStatsRoundId" FROM federations')) as {
        featureMomentsJson: string;
        featureStatsRoundId: string;
      }[];
      const moments = JSON.parse(f.featureMomentsJson) as { count: number[]; sum: number[]; sumSquares: number[] };
      const csvs = banks.map((b) => b.csv);
      const { holdout } = parseTrainingPlan(plan);
      [pooled(csvs, 'income', true, holdout), pooled(csvs, 'age', false, holdout)].forEach((want, i) => {
        expect(moments.count[i]).toBe(want.n);
        const mean = moments.sum[i] / moments.count[i];
        const sd = Math.sqrt(moments.sumSquares[i] / moments.count[i] - mean * mean);
        expect(Math.abs(mean - want.mean)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want.mean)));
        expect(Math.abs(sd - want.sd) / want.sd).toBeLessThan(1e-4);
        // plan.effective.json carries the scaling the global model expects: the consortium's mean and sd.
        const effective = readEffective(path.join(dir, 'work'));
        const scaled = effective.schema.features.find((x) => x.name === ['income', 'age'][i])!;
        expect(scaled.center).toBeCloseTo(mean, 9);
        expect(scaled.scale).toBeCloseTo(sd, 9);
      });
      const audit = (await ds.query('SELECT action FROM audit_events')) as { action: string }[];
      expect(audit.filter((a) => a.action === 'preprocessing.standardized')).toHaveLength(1);
      expect(audit.filter((a) => a.action === 'preprocessing.mismatch')).toHaveLength(0);
      // Only the sum of the members' statistics is stored, never one member's ciphertext.
      const kept = (await ds.query('SELECT kind FROM accepted_ciphertexts')) as { kind: string }[];
      expect(kept.filter((k) => k.kind === 'stats')).toHaveLength(0);
      secure = { moments, effective: readEffective(path.join(dir, 'work')) };
    } finally {
      await ds.destroy();
    }
    for (const b of banks)
      expect(fs.readFileSync(path.join(dir, 'work', `agent-${b.name}.log`), 'utf8')).toContain(
        'consortium standardisation applied',
      );

    // `syndicate-agent benefit` on a bank's machine scores the global model with the consortium scaling the agent
    // recorded: the same figures the agent computed on its test rows in the round, not those of unscaled inputs.
    const bank = banks[0];
    const stateDir = path.join(dir, 'work', 'agents', bank.name);
    const weights = path.join(dir, 'results.weights.f32');
    const benefit = await execFileAsync(process.execPath, [
      AGENT_MAIN,
      'benefit',
      '--state-dir',
      stateDir,
      '--data',
      bank.csv,
      '--global-weights',
      weights,
      '--rounds',
      '2',
      '--json',
    ]);
    const report = JSON.parse(benefit.stdout) as {
      global: { rocAuc: number; ks: number; numExamples: number };
      local_only: { rocAuc: number };
    };
    const during = JSON.parse(fs.readFileSync(path.join(stateDir, 'evaluations', 'round-2.json'), 'utf8')) as {
      test: { rocAuc: number; ks: number; numExamples: number };
    };
    expect(report.global.numExamples).toBe(during.test.numExamples);
    expect(report.global.rocAuc).toBeCloseTo(during.test.rocAuc, 6);
    expect(report.global.ks).toBeCloseTo(during.test.ks, 6);
    expect(report.local_only.rocAuc).toBeGreaterThan(0.6);

    // Without the recorded scaling it refuses rather than score unscaled inputs.
    fs.rmSync(path.join(stateDir, 'standardization.json'));
    const refused = await execFileAsync(process.execPath, [
      AGENT_MAIN,
      'benefit',
      '--state-dir',
      stateDir,
      '--data',
      bank.csv,
      '--global-weights',
      weights,
      '--rounds',
      '1',
    ]).catch((err: { code: number; stderr: string }) => err);
    expect('code' in refused && refused.code).toBe(1);
    expect((refused as { stderr: string }).stderr).toMatch(
      /scales income, age with consortium statistics.*standardization\.json does not exist yet/,
    );
  });

  it("runs the same plan in a plaintext federation: statistics summed in the clear give the secure run's scaling", async () => {
    expect(secure).toBeDefined();
    const planPath = path.join(dir, 'plan-plaintext.json');
    fs.writeFileSync(planPath, JSON.stringify(planIn('plaintext')));
    const workDir = path.join(dir, 'work-plaintext');
    const databaseUrl = await freshDatabaseUrl('std-plain');
    // One round: the statistics are collected before its training, which is all this compares.
    const result = await runSimulation({
      planPath,
      banks,
      rounds: 1,
      outFile: path.join(dir, 'results-plaintext.json'),
      workDir,
      databaseUrl,
      deadlineSeconds: 120,
    });
    expect(result.rounds.map((r) => r.state)).toEqual(['published']);
    const { moments, audit } = await recorded(databaseUrl);
    // The same fixed-point fields as the secure run, added without encryption: the same consortium moments.
    expect(moments).toEqual(secure!.moments);
    const effective = readEffective(workDir);
    for (const name of ['income', 'age']) {
      const plain = effective.schema.features.find((f) => f.name === name)!;
      const enc = secure!.effective.schema.features.find((f) => f.name === name)!;
      expect(plain.center).toBeCloseTo(enc.center!, 12);
      expect(plain.scale).toBeCloseTo(enc.scale!, 12);
    }
    // The coordinator recorded the sum itself; the audit log has consortium totals, never one bank's statistics.
    const standardized = audit
      .filter((a) => a.action === 'preprocessing.standardized')
      .map((a) => JSON.parse(a.detail));
    expect(standardized).toEqual([
      {
        round: 1,
        features: ['income', 'age'],
        consortiumCounts: moments.count,
        contributors: 3,
        summedBy: 'coordinator',
      },
    ]);
    const statsAccepted = audit
      .filter((a) => a.action === 'update.accepted')
      .map((a) => JSON.parse(a.detail) as Record<string, unknown>)
      .filter((d) => d.kind === 'stats');
    expect(statsAccepted).toHaveLength(3);
    for (const d of statsAccepted)
      expect(Object.keys(d).sort()).toEqual(['bytes', 'kind', 'payloadSha256', 'receiptId', 'signature']);
    for (const b of banks) {
      const log = fs.readFileSync(path.join(workDir, `agent-${b.name}.log`), 'utf8');
      expect(log).toContain('feature statistics sent in the clear');
      expect(log).toContain('consortium standardisation applied');
    }
  });
});
