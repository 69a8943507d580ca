import { seededRandom } from '../plan/initial-weights';
import { DEFAULT_HE_PARAMETER_SET } from '../he/parameter-sets';
import { secureAggregationSpec } from '../he/secure-update';
import {
  decodeEvaluationContribution,
  encodeEvaluationContribution,
  evaluationFieldCount,
} from './evaluation-contribution';
import { exactMetrics } from './exact-metrics';
import {
  exactPrecisionAtTopK,
  exactRecallAtFpr,
  FRAUD_FPR_BUDGETS,
  fraudMetrics,
  histogramPrecisionAtTopK,
  histogramRecallAtFpr,
} from './fraud-metrics';
import { federatedMetrics } from './histogram-metrics';
import { buildScoreHistogram, DEFAULT_SCORE_BINS, scoreBin, type ScoreHistogram } from './score-histogram';

interface Bank {
  scores: Float32Array;
  labels: Uint8Array;
}

/** A fraud model's scores: legitimate ones crowd near 0, frauds spread high, at a fraud rate of a few per thousand. */
function bank(seed: number, n: number, fraudRate: number): Bank {
  const random = seededRandom(seed);
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < fraudRate ? 1 : 0;
    const u = random();
    scores[i] = labels[i] ? 1 - 0.2 * u * u : Math.pow(u, 12);
  }
  return { scores, labels };
}

const pooled = (banks: Bank[]): Bank => ({
  scores: Float32Array.from(banks.flatMap((b) => Array.from(b.scores))),
  labels: Uint8Array.from(banks.flatMap((b) => Array.from(b.labels))),
});

const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 16 });

/** As the protocol does it: each bank encodes its histogram, the integer fields add as under BFV, the sum is decoded. */
function federatedHistogram(banks: Bank[]): ScoreHistogram {
  const sums = new Float64Array(evaluationFieldCount(spec, DEFAULT_SCORE_BINS));
  for (const b of banks) {
    const fields = encodeEvaluationContribution(buildScoreHistogram(b.scores, b.labels), spec);
    for (let i = 0; i < fields.length; i++) sums[i] += fields[i];
  }
  return decodeEvaluationContribution(sums, DEFAULT_SCORE_BINS, spec);
}

describe('fraud metrics from the summed encrypted score histograms', () => {
  // Four banks of very different sizes, fraud rates 0.1% to 0.5%.
  const banks = [bank(1, 120_000, 0.003), bank(2, 60_000, 0.005), bank(3, 25_000, 0.002), bank(4, 8_000, 0.001)];
  const all = pooled(banks);
  const h = federatedHistogram(banks);

  it.each(FRAUD_FPR_BUDGETS.map((b) => [b]))(
    'recall at %p FPR equals the exact pooled value within the frauds of the one bin the budget cuts',
    (budget) => {
      const exact = exactRecallAtFpr(all.scores, all.labels, budget);
      const fed = histogramRecallAtFpr(h, budget);
      expect(fed.fpr).toBeLessThanOrEqual(budget);
      // Binned thresholds are a subset of the raw ones: never above the exact recall.
      expect(fed.recall).toBeLessThanOrEqual(exact.recall);
      const P = all.labels.reduce((a, y) => a + y, 0);
      const cut = fed.threshold > 0 ? scoreBin(fed.threshold, h.bins) - 1 : 0;
      expect(exact.recall - fed.recall).toBeLessThanOrEqual(h.positives[cut] / P + 1e-12);
      // At 10 000 bins that is well under a point of recall on this data.
      expect(Math.abs(exact.recall - fed.recall)).toBeLessThan(0.01);
      // Sanity: the budgets tell the models apart (neither trivial nor hopeless).
      expect(exact.recall).toBeGreaterThan(0.2);
      expect(exact.recall).toBeLessThan(0.99);
    },
  );

  it('precision among the top k alerts equals the exact pooled value within one bin of frauds', () => {
    for (const k of [100, 500, 1000]) {
      const exact = exactPrecisionAtTopK(all.scores, all.labels, k);
      expect(Math.abs(histogramPrecisionAtTopK(h, k) - exact)).toBeLessThan(0.02);
    }
  });

  it('PR AUC from the histogram matches the exact pooled average precision within 0.005 at a 0.3% fraud rate', () => {
    const exact = exactMetrics(all.scores, all.labels);
    expect(Math.abs(federatedMetrics(h).prAuc - exact.prAuc)).toBeLessThan(0.005);
  });

  it('reports every budget and k, and NaN where it cannot be known', () => {
    const m = fraudMetrics(h);
    expect(m.recallAtFpr.map((r) => r.maxFpr)).toEqual([0.001, 0.005, 0.01]);
    expect(m.precisionAtTopK.map((p) => p.k)).toEqual([100, 500, 1000]);
    const tiny = buildScoreHistogram([0.1, 0.9], [0, 0], 1000);
    expect(histogramRecallAtFpr(tiny, 0.01).recall).toBeNaN();
    expect(histogramPrecisionAtTopK(tiny, 5)).toBeNaN();
    expect(exactRecallAtFpr([0.1, 0.9], [0, 0], 0.01).recall).toBeNaN();
  });

  it('recall is monotone in the budget and exact on a hand-made case', () => {
    // 1000 negatives at 0.0..0.0999, 4 frauds: two above all negatives, one tied into the top negative's bin, one low.
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 1000; i++) {
      scores.push(i / 10_000);
      labels.push(0);
    }
    scores.push(0.95, 0.5, 0.0999, 0.001);
    labels.push(1, 1, 1, 1);
    expect(exactRecallAtFpr(scores, labels, 0).recall).toBe(0.5);
    expect(exactRecallAtFpr(scores, labels, 0.001).recall).toBe(0.75);
    const hb = buildScoreHistogram(scores, labels, 10_000);
    expect(histogramRecallAtFpr(hb, 0).recall).toBe(0.5);
    expect(histogramRecallAtFpr(hb, 0.001).recall).toBe(0.75);
    expect(histogramRecallAtFpr(hb, 1).recall).toBe(1);
  });

  it('refuses a budget outside [0, 1] and a k that is not a positive integer, naming the value', () => {
    expect(() => histogramRecallAtFpr(h, 5)).toThrow('maxFpr must be a rate in [0, 1], got 5');
    expect(() => histogramPrecisionAtTopK(h, 0)).toThrow('k must be a positive integer, got 0');
  });
});
