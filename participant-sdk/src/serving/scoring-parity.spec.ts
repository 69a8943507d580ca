import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BoundedCardStore,
  initialWeights,
  layerStack,
  modelLayout,
  parseTrainingPlanJson,
  readPlanFile,
  seededRandom,
  type CardState,
  type CardTransaction,
  type TrainingPlan,
} from '@syndicate/protocol';
import { csvRecords } from '../data/csv-records';
import { scoredChunks } from './batch-rows';
import { scoreFile } from './batch-score';
import { cardPart } from './card-partition';
import { DenseScorer } from './dense-scorer';
import { ScoringModel } from './scoring-model';
import { transactionEncoderWith } from './transaction-encoder';

/**
 * The scoring path as it was before the batch scorer was made fast (issue 19),
 * frozen here: the network's loops, the behavioural features and the copying
 * history step. Today's scorer, serving path and batch scorer (one thread or
 * two) must give the same scores, bit for bit.
 */
const ACT: Record<string, (x: number) => number> = {
  relu: (x) => (x > 0 ? x : 0),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};
function originalLogit(plan: Pick<TrainingPlan, 'schema' | 'model'>, w: Float32Array, x: ArrayLike<number>): number {
  const layout = modelLayout(plan);
  const tensors = new Map(layout.tensors.map((t) => [t.name, w.subarray(t.offset, t.offset + t.size)]));
  let input: ArrayLike<number> = x;
  let inputs = layout.inputDim;
  const dense = layerStack(plan.model).filter((l) => l.kind === 'dense');
  dense.forEach((l, i) => {
    const kernel = tensors.get(`dense_${i}/kernel`)!;
    const bias = l.useBias ? tensors.get(`dense_${i}/bias`)! : null;
    const out = new Float64Array(l.units);
    for (let u = 0; u < l.units; u++) out[u] = bias ? bias[u] : 0;
    for (let k = 0; k < inputs; k++) {
      const v = input[k];
      if (v === 0) continue;
      for (let u = 0; u < l.units; u++) out[u] += v * kernel[k * l.units + u];
    }
    if (i < dense.length - 1) for (let u = 0; u < l.units; u++) out[u] = ACT[l.activation](out[u]);
    input = out;
    inputs = l.units;
  });
  return input[0];
}

function originalFeatures(t: CardTransaction, s: CardState | undefined): number[] {
  const DAY = 86_400;
  const gap = s ? Math.max(0, t.ts - s.lastTs) : 30 * DAY;
  let lastHour = 0;
  let lastDay = 0;
  for (const x of s?.recent ?? []) {
    const age = t.ts - x;
    if (age < 0 || age >= DAY) continue;
    lastDay++;
    if (age < 3600) lastHour++;
  }
  const hour = Math.floor((((t.ts % DAY) + DAY) % DAY) / 3600);
  const amount = Math.max(0, t.amount);
  return [
    Math.log1p(amount),
    s ? Math.log((amount + 1) / (s.meanAmount + 1)) : 0,
    lastHour,
    lastDay,
    s && s.merchants.includes(t.merchantId) ? 0 : 1,
    s && s.regions.includes(t.region) ? 0 : 1,
    hour,
    hour < 6 ? 1 : 0,
    Math.log1p(gap),
    Math.log1p(s ? s.count : 0),
  ];
}

function originalAdvance(s: CardState | undefined, t: CardTransaction): CardState {
  const amount = Math.max(0, t.amount);
  if (!s)
    return {
      lastTs: t.ts,
      count: 1,
      meanAmount: amount,
      recent: [t.ts],
      merchants: [t.merchantId],
      regions: [t.region],
    };
  const remember = (list: string[], v: string, keep: number) => [...list.filter((x) => x !== v), v].slice(-keep);
  const count = Math.min(50, s.count + 1);
  return {
    lastTs: Math.max(s.lastTs, t.ts),
    count,
    meanAmount: s.meanAmount + (amount - s.meanAmount) / count,
    recent: [...s.recent.filter((x) => t.ts - x < 86_400), t.ts].slice(-64),
    merchants: remember(s.merchants, t.merchantId, 32),
    regions: remember(s.regions, t.region, 8),
  };
}

const PLAN = path.resolve(__dirname, '..', '..', '..', 'examples', 'fraud', 'plan.json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-scoring-parity-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('scores as before the fast batch path', () => {
  it('the network: one row, a batch and the occluded log-odds, for several shapes and activations', () => {
    const shapes = [
      { template: 'mlp', hiddenUnits: [16, 8], activation: 'relu' },
      { template: 'mlp', hiddenUnits: [7, 5, 3], activation: 'tanh' },
      { template: 'mlp', hiddenUnits: [9], activation: 'sigmoid' },
      { template: 'logistic_regression' },
    ];
    for (const [n, model] of shapes.entries()) {
      const plan = parseTrainingPlanJson(
        JSON.stringify({ ...readPlanFile(PLAN), model, aggregation: { mode: 'plaintext' } }),
      );
      const r = seededRandom(40 + n);
      const w = Float32Array.from({ length: modelLayout(plan).numParams }, () => 2 * r() - 1);
      const scorer = new DenseScorer(plan, w);
      const dim = scorer.inputDim;
      const rows = 500;
      // Rows with exact zeros (one-hot columns, a value at its mean) as well as values.
      const x = Float32Array.from({ length: rows * dim }, () => (r() < 0.4 ? 0 : 4 * r() - 2));
      const batch = new Float64Array(rows);
      scorer.scoreBatch(x, rows, batch);
      for (let i = 0; i < rows; i++) {
        const row = x.subarray(i * dim, (i + 1) * dim);
        const expected = originalLogit(plan, w, row);
        expect(scorer.logit(row)).toBe(expected);
        expect(batch[i]).toBe(1 / (1 + Math.exp(-expected)));
        const occluded = scorer.occludedLogits(row, [
          [0, 3],
          [5, 6],
          [10, dim],
        ]);
        const masked = (from: number, to: number) => row.map((v, k) => (k >= from && k < to ? 0 : v));
        // Occlusion subtracts from the full sum, so it equals a forward pass on the masked row up to rounding.
        expect(occluded[1]).toBeCloseTo(originalLogit(plan, w, masked(5, 6)), 9);
        expect(occluded[2]).toBeCloseTo(originalLogit(plan, w, masked(10, dim)), 9);
      }
    }
  });

  it('a transaction file, on one thread and on two: the same scores as the original path', async () => {
    const plan = readPlanFile(PLAN);
    const weights = initialWeights({ ...plan, seed: 11 });
    const model = new ScoringModel('m', plan, weights);
    // A seeded stream: 300 cards, repeat merchants, bursts within the hour and the day, a few bad rows.
    const r = seededRandom(5);
    const lines = ['tx_id,card_id,ts,amount,merchant_id,mcc,region,channel'];
    let ts = 1_767_571_200;
    for (let i = 0; i < 30_000; i++) {
      ts += Math.floor(r() * (r() < 0.3 ? 30 : 400));
      const card = Math.floor(r() * 300);
      const mcc = ['grocery', 'fuel', 'online', 'gift_cards', 'atm', 'casino'][Math.floor(r() * (r() < 0.999 ? 5 : 6))];
      const amount = r() < 0.001 ? '-1' : (r() * r() * 900).toFixed(2);
      lines.push(
        `t${i},c${card},${ts},${amount},m${Math.floor(r() * 60)},${mcc},r${card % 7},${r() < 0.5 ? 'pos' : 'online'}`,
      );
    }
    const file = path.join(dir, 'tx.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    const expected: { card: string; score: number; line: string }[] = [];
    const encode = transactionEncoderWith(plan.schema);
    const states = new Map<string, CardState>();
    let header: string[] = [];
    let bad = 0;
    for await (const { fields } of csvRecords(file)) {
      if (header.length === 0) {
        header = fields;
        continue;
      }
      const get = (f: string) => fields[header.indexOf(f)];
      const p = encode(get, (t) => originalFeatures(t, states.get(t.cardId)));
      if (!p.ok) {
        bad++;
        continue;
      }
      states.set(p.tx.cardId, originalAdvance(states.get(p.tx.cardId), p.tx));
      const score = 1 / (1 + Math.exp(-originalLogit(plan, weights, p.x)));
      const line = `${get('tx_id')},${p.tx.cardId},${score.toFixed(6)},${score >= 0.5 ? 'alert' : 'approve'}`;
      expected.push({ card: p.tx.cardId, score, line });
    }
    expect(bad).toBeGreaterThan(10);
    expect(new Set(expected.map((e) => e.score)).size).toBeGreaterThan(1000);
    // The scores themselves, bit for bit: on one thread, and each of two threads on its own cards.
    for (const share of [undefined, { index: 0, count: 2 }, { index: 1, count: 2 }]) {
      const got: { card: string; score: number }[] = [];
      for await (const c of scoredChunks(model, file, new BoundedCardStore<number>(), share))
        for (let i = 0; i < c.rows; i++) got.push({ card: c.cardIds[i], score: c.scores[i] });
      const mine = expected.filter((e) => !share || cardPart(e.card, 2) === share.index);
      expect(got.length).toBe(mine.length);
      expect(got.filter((g, i) => g.card !== mine[i].card || !Object.is(g.score, mine[i].score))).toEqual([]);
    }
    // The file written, merged back into file order.
    for (const threads of [1, 2]) {
      const out = path.join(dir, `scores-${threads}.csv`);
      await expect(scoreFile({ model, data: file, out, threshold: 0.5, threads })).rejects.toThrow(/row \d+, column/);
      const text = ['tx_id,card_id,score,decision', ...expected.map((e) => e.line)].join('\n');
      expect(fs.readFileSync(out, 'utf8')).toBe(`${text}\n`);
    }
  });
});
