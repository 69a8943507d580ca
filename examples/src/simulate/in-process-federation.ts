import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyServerOptimizer, exactMetrics, initialWeights, type TrainingPlan } from '@syndicate/protocol';
import { agentRows, loadCsvDataset, predict, standardizedPlan, trainLocal, type Dataset } from '@syndicate/participant';
import { toCsv, type LoanRow } from '../synthetic-consortium';

/** One round of the in-process federation: the consortium's exact figures on the pooled validation and test rows. */
export interface InProcessRound {
  round: number;
  validationAuc: number;
  testAuc: number;
}

const pool = (
  parts: Dataset[],
): { scores: (w: Float32Array, p: TrainingPlan) => Promise<Float32Array>; labels: Float32Array } => ({
  labels: Float32Array.from(parts.flatMap((d) => Array.from(d.labels))),
  scores: async (w, p) => {
    const each = await Promise.all(parts.map((d) => predict(p, w, d)));
    return Float32Array.from(each.flatMap((s) => Array.from(s)));
  },
});

/**
 * A plaintext federation in one process, for questions about training dynamics (does a plan's
 * learning rate drift over 20 rounds?) that need no network, keys or coordinator: every bank
 * splits and trains exactly as its agent would (same holdout, same seeds, round r at the plan's
 * decayed learning rate), the updates are averaged by training rows and stepped by the plan's
 * server optimizer, and federated standardisation uses the pooled moments the members would sum.
 */
export async function federateInProcess(o: {
  plan: TrainingPlan;
  banks: { name: string; rows: LoanRow[] }[];
  rounds: number;
}): Promise<{ plan: TrainingPlan; rounds: InProcessRound[]; weights: Float32Array[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-in-process-'));
  try {
    const files = o.banks.map((b) => {
      const file = path.join(dir, `${b.name}.csv`);
      fs.writeFileSync(file, toCsv(b.rows));
      return file;
    });
    const plan = await standardizedPlan(o.plan, files);
    const split = await Promise.all(files.map(async (f) => agentRows(plan, await loadCsvDataset(f, plan.schema))));
    const validation = pool(split.map((s) => s.validation));
    const test = pool(split.map((s) => s.test));
    const total = split.reduce((n, s) => n + s.train.rows, 0);
    let weights = initialWeights(plan);
    let state: ReturnType<typeof applyServerOptimizer>['state'] | null = null;
    const rounds: InProcessRound[] = [];
    const history: Float32Array[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      const delta = new Float64Array(weights.length);
      for (const s of split) {
        const local = (await trainLocal({ plan, globalWeights: weights, data: s.train, seed: round, round })).weights;
        const share = s.train.rows / total;
        for (let i = 0; i < delta.length; i++) delta[i] += share * (local[i] - weights[i]);
      }
      ({ weights, state } = applyServerOptimizer(plan.serverOptimizer, weights, delta, state));
      history.push(weights);
      const auc = async (rows: typeof test) => exactMetrics(await rows.scores(weights, plan), rows.labels).rocAuc;
      rounds.push({ round, validationAuc: await auc(validation), testAuc: await auc(test) });
    }
    return { plan, rounds, weights: history };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
