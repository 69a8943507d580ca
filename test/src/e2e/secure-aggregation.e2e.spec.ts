import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import pino from 'pino';
import { loadCoordinatorConfig, startCoordinator } from '@syndicate/coordinator';
import { generateConsortium, toCsv, runSimulation } from '@syndicate/examples';
import {
  CoordinatorClient,
  agentTrust,
  policySource,
  KeyRing,
  loadCsvDataset,
  loadIdentity,
  localEvaluationPath,
  predict,
  pullModel,
  splitHoldout,
  splitValidationTest,
  type LocalEvaluation,
} from '@syndicate/participant';
import {
  decodeFloat32,
  encodeFloat32,
  exactMetrics,
  initialWeights,
  parseTrainingPlan,
  quantizationStep,
  planSecureSpec,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';

const basePlan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

function consortium(dir: string, scale: number) {
  const { banks } = generateConsortium({ seed: 21, scale });
  return banks.slice(0, 3).map((b) => {
    const csv = path.join(dir, `${b.name}.csv`);
    fs.writeFileSync(csv, toCsv(b.rows));
    return { name: b.name, csv };
  });
}

function writePlan(
  dir: string,
  secure: { clip: number; releasePolicy: 'publish' | 'members-only'; masking?: { enabled: boolean } },
  name: string,
): { planPath: string; plan: ReturnType<typeof parseTrainingPlan> } {
  const input = {
    ...basePlan,
    name,
    rounds: { ...basePlan.rounds, minParticipants: 3 },
    aggregation: { strategy: 'fedavg', mode: 'secure', secure },
  };
  const planPath = path.join(dir, 'plan.json');
  fs.writeFileSync(planPath, JSON.stringify(input));
  return { planPath, plan: parseTrainingPlan(input) };
}

const readF32 = (file: string) => decodeFloat32(fs.readFileSync(file));

describe(`secure aggregation over real gRPC (${testDatabaseKind()})`, () => {
  it('publishes the sample-weighted FedAvg of the agents’ local results within the codec’s error bound', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-he-'));
    const banks = consortium(dir, 0.1);
    // Masked: the published model is still the weighted mean within the codec's bound (masks cancel exactly).
    const { planPath, plan } = writePlan(
      dir,
      { clip: 4, releasePolicy: 'publish', masking: { enabled: true } },
      'he-fedavg',
    );
    const result = await runSimulation({
      planPath,
      banks,
      rounds: 2,
      outFile: path.join(dir, 'results.json'),
      workDir: path.join(dir, 'work'),
      databaseUrl: await freshDatabaseUrl('he-fedavg'),
      keepUpdates: true,
      deadlineSeconds: 120,
    });
    expect(result.rounds.map((r) => r.state)).toEqual(['published', 'published']);

    // Simulate hands out the champion: check its round's aggregation (round 1 or 2, whichever validated better).
    const championRound = result.final!.roundNumber;
    expect(championRound).toBe(result.champion!.roundNumber);
    const locals = banks.map((b) => {
      const base = path.join(dir, 'work', 'agents', b.name, 'updates', `round-${championRound}`);
      const meta = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as { numSamples: number };
      return { weights: readF32(`${base}.f32`), global: readF32(`${base}.base.f32`), n: meta.numSamples };
    });
    // Every member trained from the same global model: the previous round's published result.
    for (const l of locals) expect(l.global).toEqual(locals[0].global);
    const spec = planSecureSpec(plan);
    const bound = (locals.length * quantizationStep({ clip: spec.clip, bits: spec.bits })) / (1 - 1e-6);
    const published = readF32(result.final!.weightsPath!);
    const total = locals.reduce((s, l) => s + l.n, 0);
    let maxErr = 0;
    for (let i = 0; i < published.length; i++) {
      let fedavg = 0;
      for (const l of locals) {
        expect(Math.abs(l.weights[i] - l.global[i])).toBeLessThanOrEqual(spec.clip); // nothing clipped, so the bound applies
        fedavg += (l.n * l.weights[i]) / total;
      }
      maxErr = Math.max(maxErr, Math.abs(published[i] - fedavg));
    }
    expect(maxErr).toBeLessThanOrEqual(bound + 1e-6);
    // The result went through quantization (the HE path), not a plaintext shortcut.
    expect(maxErr).toBeGreaterThan(0);
    expect(result.rounds[1].global!.auc).toBeGreaterThan(0.6);

    // Federated evaluation: the consortium's AUC and KS, from the sum of encrypted histograms, equal the
    // exact figures on the pooled validation scores and on the pooled test scores (which nobody ever pools for real).
    const parts = {
      validation: { scores: [] as number[], labels: [] as number[] },
      test: { scores: [] as number[], labels: [] as number[] },
    };
    for (const b of banks) {
      const { holdout } = splitHoldout(
        await loadCsvDataset(b.csv, plan.schema),
        plan.holdout.fraction,
        plan.holdout.seed,
      );
      const split = splitValidationTest(holdout, plan.holdout.validationFraction, plan.holdout.seed);
      for (const part of ['validation', 'test'] as const) {
        parts[part].scores.push(...(await predict(plan, published, split[part])));
        parts[part].labels.push(...split[part].labels);
      }
    }
    for (const part of ['validation', 'test'] as const) {
      const exact = exactMetrics(parts[part].scores, parts[part].labels);
      const global = result[part]!;
      expect(global.num_examples).toBe(parts[part].scores.length);
      expect(Math.abs(global.auc - exact.rocAuc)).toBeLessThan(0.001);
      // Binned KS differs from the exact one only where scores share a bin: at most one example's step of the
      // smaller class (validation and test parts hold about a hundred rows each here), and 0.001 on large sets.
      const step = 1 / Math.min(exact.positives, exact.numExamples - exact.positives);
      expect(Math.abs(global.ks - exact.ks)).toBeLessThanOrEqual(Math.max(0.001, step) + 1e-12);
      expect(Math.abs(global.brier - exact.brier)).toBeLessThan(1e-6);
    }
    // Each bank's own figures stayed with the bank: on its disk (simulate read them there), not in the coordinator's answers.
    const own = JSON.parse(
      fs.readFileSync(localEvaluationPath(path.join(dir, 'work', 'agents', banks[0].name), 2), 'utf8'),
    ) as LocalEvaluation;
    expect(own.metrics.numExamples).toBeGreaterThan(0);
    expect(result.rounds[1].banks[banks[0].name].auc).toBe(own.test!.rocAuc);
    const fromCoordinator = JSON.stringify([
      result.rounds[1].global,
      result.rounds[1].evaluation,
      result.final!.metrics,
    ]);
    // Full-precision figures identify a bank; a two-digit AUC may equal some curve point by chance, so AUCs are
    // compared only with the coordinator's AUC fields.
    const coordinatorAucs = [...fromCoordinator.matchAll(/"(?:auc|rocAuc)":([0-9.eE-]+)/g)].map((m) => Number(m[1]));
    for (const b of banks) {
      const mine = JSON.parse(
        fs.readFileSync(localEvaluationPath(path.join(dir, 'work', 'agents', b.name), 2), 'utf8'),
      ) as LocalEvaluation;
      expect(fromCoordinator).not.toContain(String(mine.test!.brier));
      expect(fromCoordinator).not.toContain(String(mine.test!.logLoss));
      expect(coordinatorAucs).not.toContain(result.rounds[1].banks[b.name].auc);
    }
    expect(fs.readFileSync(result.reportPath, 'utf8')).toContain('<svg');
  });

  it('under members-only, nothing the coordinator stores reveals an update, the keys or the global model', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-he-private-'));
    const banks = consortium(dir, 0.05);
    const { planPath, plan } = writePlan(dir, { clip: 4, releasePolicy: 'members-only' }, 'he-private');
    const databaseUrl = await freshDatabaseUrl('he-private');
    const work = path.join(dir, 'work');
    const result = await runSimulation({
      planPath,
      banks,
      rounds: 1,
      outFile: path.join(dir, 'results.json'),
      workDir: work,
      databaseUrl,
      keepUpdates: true,
      deadlineSeconds: 120,
    });
    expect(result.rounds[0].state).toBe('published');
    expect(result.final).toMatchObject({ weightsFormat: 'sealed', weightsPath: null });

    // An omniscient observer gathers the secrets: what members know and the coordinator must not.
    // Same database and the run's own certificates: the members' saved TLS settings still apply.
    const certs = path.join(work, 'certs');
    const tls = {
      tlsCert: path.join(certs, 'coordinator.pem'),
      tlsKey: path.join(certs, 'coordinator.key'),
      tlsClientCa: path.join(certs, 'ca.pem'),
    };
    const coordinator = await startCoordinator(
      loadCoordinatorConfig({ databaseUrl, grpcPort: 0, httpPort: 0, logLevel: 'silent', ...tls }, {}),
      { logger: pino({ level: 'silent' }) },
    );
    const needles: Record<string, string> = {};
    try {
      const stateDir = path.join(work, 'agents', banks[0].name);
      const address = `localhost:${coordinator.grpcPort}`;
      const pulled = await pullModel({ stateDir, coordinator: address });
      expect(pulled.sealed).toBe(true);
      expect(pulled.roundNumber).toBe(1);
      needles.global_model = encodeFloat32(pulled.weights).toString('hex');
      needles.global_model_head = encodeFloat32(pulled.weights.subarray(0, 4)).toString('hex');
      const identity = { ...loadIdentity(stateDir)!, coordinator: address };
      const client = new CoordinatorClient(identity);
      const ring = new KeyRing(identity, client, agentTrust(identity, client, policySource(stateDir)));
      const { key } = await ring.get(1); // the federation's only key epoch
      ring.dispose();
      needles.seal_secret_key = Buffer.from(key.sealSecretKey.subarray(64, 128)).toString('hex');
      needles.model_key = Buffer.from(key.modelKey).toString('hex');
      for (const b of banks) {
        const base = path.join(work, 'agents', b.name, 'updates', 'round-1');
        const local = readF32(`${base}.f32`);
        const global = readF32(`${base}.base.f32`);
        needles[`update_${b.name}`] = encodeFloat32(local.subarray(0, 4)).toString('hex');
        needles[`delta_${b.name}`] = encodeFloat32(local.map((w, i) => w - global[i]).subarray(0, 4)).toString('hex');
      }
      // Positive control: the round-0 model is public (derived from the plan) and stored in the clear.
      needles.control_initial_model = encodeFloat32(initialWeights(plan)).toString('hex');
    } finally {
      await coordinator.close();
    }

    // No log line of the run carries key material (members' or the federation's), hex or base64.
    for (const b of banks) {
      const id = JSON.parse(fs.readFileSync(path.join(work, 'agents', b.name, 'identity.json'), 'utf8')) as {
        signingSecretKey: string;
        boxSecretKey: string;
      };
      needles[`signing_key_${b.name}`] = Buffer.from(id.signingSecretKey, 'base64').subarray(0, 32).toString('hex');
      needles[`box_key_${b.name}`] = Buffer.from(id.boxSecretKey, 'base64').toString('hex');
    }
    const logs = fs
      .readdirSync(work)
      .filter((f) => f.endsWith('.log'))
      .map((f) => fs.readFileSync(path.join(work, f), 'utf8'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    // Nor an enrollment or API token, nor a TLS private key.
    expect(logs).not.toMatch(/syn_(enr|api)_[A-Za-z0-9_-]{16,}/);
    expect(logs).not.toContain('PRIVATE KEY');
    for (const [name, hex] of Object.entries(needles)) {
      if (name === 'control_initial_model') continue;
      const bytes = Buffer.from(hex, 'hex');
      expect({ name, inLogs: logs.includes(hex) || logs.includes(bytes.toString('base64').slice(0, 24)) }).toEqual({
        name,
        inLogs: false,
      });
    }

    const needlesFile = path.join(dir, 'needles.json');
    fs.writeFileSync(needlesFile, JSON.stringify(needles));
    // The compiled script: a separate, fresh Node process.
    const snoop = path.resolve(__dirname, '..', '..', 'dist', 'support', 'coordinator-snoop.js');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [snoop, databaseUrl, needlesFile], { maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
        err ? reject(new Error(stderr || err.message)) : resolve(stdout),
      ),
    );
    const report = JSON.parse(out) as {
      found: Record<string, string[]>;
      keyShares: number;
      sharesOpened: number;
      sealedModels: number;
      sealedModelsOpened: number;
      sums: { kind: string }[];
    };
    expect(report.found.control_initial_model.length).toBeGreaterThan(0);
    for (const [name, where] of Object.entries(report.found))
      if (name !== 'control_initial_model') expect({ name, where }).toEqual({ name, where: [] });
    expect(report.keyShares).toBe(3);
    expect(report.sharesOpened).toBe(0);
    expect(report.sealedModels).toBeGreaterThan(0);
    expect(report.sealedModelsOpened).toBe(0);
    // Only sums are kept, never an individual member's ciphertext.
    expect(report.sums.map((s) => s.kind).sort()).toEqual(['count', 'evaluation', 'model']);
  });
});
