import fc from 'fast-check';
import { seededRandom } from '../plan/initial-weights';
import { DEFAULT_HE_PARAMETER_SET } from '../he/parameter-sets';
import { secureAggregationSpec } from '../he/secure-update';
import {
  decodeEvaluationContribution,
  encodeEvaluationContribution,
  evaluationFieldCount,
} from './evaluation-contribution';
import { exactMetrics } from './exact-metrics';
import { CALIBRATION_BUCKETS, federatedMetrics, populationStabilityIndex, ROC_MAX_POINTS } from './histogram-metrics';
import {
  addHistograms,
  buildScoreHistogram,
  DEFAULT_SCORE_BINS,
  emptyHistogram,
  type ScoreHistogram,
} from './score-histogram';

/** Beta(a, b) for integer shapes, as X / (X + Y) with X, Y sums of exponentials. */
function beta(random: () => number, a: number, b: number): number {
  const gamma = (k: number) => {
    let s = 0;
    for (let i = 0; i < k; i++) s -= Math.log(1 - random());
    return s;
  };
  const x = gamma(a);
  return x / (x + gamma(b));
}

interface Bank {
  scores: Float32Array;
  labels: Uint8Array;
}

/** A bank's holdout: a model's scores, float32 as a model emits them, for overlapping classes at the bank's own default rate. */
function bank(seed: number, n: number, positiveRate: number, shift = 0): Bank {
  const random = seededRandom(seed);
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < positiveRate ? 1 : 0;
    const s = labels[i] ? beta(random, 4, 3) : beta(random, 2, 5);
    scores[i] = Math.min(1, Math.max(0, s + shift));
  }
  return { scores, labels };
}

const pooled = (banks: Bank[]): Bank => {
  const n = banks.reduce((a, b) => a + b.scores.length, 0);
  const out = { scores: new Float32Array(n), labels: new Uint8Array(n) };
  let at = 0;
  for (const b of banks) {
    out.scores.set(b.scores, at);
    out.labels.set(b.labels, at);
    at += b.scores.length;
  }
  return out;
};

const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 100 });

/** What the protocol does: each bank encodes, the field vectors add as integers (as under BFV), the sum is decoded. */
function federatedHistogram(banks: Bank[]): ScoreHistogram {
  const sums = new Float64Array(evaluationFieldCount(spec, DEFAULT_SCORE_BINS));
  for (const b of banks) {
    const fields = encodeEvaluationContribution(buildScoreHistogram(b.scores, b.labels), spec);
    for (let i = 0; i < fields.length; i++) sums[i] += fields[i];
  }
  return decodeEvaluationContribution(sums, DEFAULT_SCORE_BINS, spec);
}

describe('federatedMetrics on summed bank histograms', () => {
  // Three non-IID banks: different sizes and default rates.
  const banks = [bank(1, 1200, 0.08), bank(2, 2000, 0.15), bank(3, 2800, 0.25)];
  const all = pooled(banks);
  const exact = exactMetrics(all.scores, all.labels);
  const m = federatedMetrics(federatedHistogram(banks));

  it('matches the exact pooled AUC, KS, Gini and PR AUC within 0.001, Brier and log loss within 1e-6', () => {
    expect(m.numExamples).toBe(6000);
    expect(m.positives).toBe(exact.positives);
    // Sanity: the data is neither trivial nor hopeless.
    expect(exact.rocAuc).toBeGreaterThan(0.7);
    expect(exact.rocAuc).toBeLessThan(0.95);
    expect(Math.abs(m.rocAuc - exact.rocAuc)).toBeLessThan(0.001);
    expect(Math.abs(m.ks - exact.ks)).toBeLessThan(0.001);
    expect(Math.abs(m.ksThreshold - exact.ksThreshold)).toBeLessThan(0.05);
    expect(Math.abs(m.gini - exact.gini)).toBeLessThan(0.001);
    expect(Math.abs(m.prAuc - exact.prAuc)).toBeLessThan(0.001);
    expect(Math.abs(m.brier - exact.brier)).toBeLessThan(1e-6);
    expect(Math.abs(m.logLoss - exact.logLoss)).toBeLessThan(1e-6);
    expect(m.psi).toBeNull();
  });

  it('matches within 0.001 on an imbalanced portfolio too (2% defaults), where average precision is sensitive', () => {
    const rare = [bank(11, 4000, 0.02), bank(12, 6000, 0.02), bank(13, 5000, 0.03)];
    const p = pooled(rare);
    const e = exactMetrics(p.scores, p.labels);
    const f = federatedMetrics(federatedHistogram(rare));
    expect(Math.abs(f.rocAuc - e.rocAuc)).toBeLessThan(0.001);
    expect(Math.abs(f.ks - e.ks)).toBeLessThan(0.001);
    expect(Math.abs(f.prAuc - e.prAuc)).toBeLessThan(0.001);
  });

  it('matches within 0.001 on a large consortium, where bins hold hundreds of cases each', () => {
    const large = [bank(31, 30000, 0.2), bank(32, 50000, 0.3)];
    const p = pooled(large);
    const e = exactMetrics(p.scores, p.labels);
    const f = federatedMetrics(federatedHistogram(large));
    expect(Math.abs(f.rocAuc - e.rocAuc)).toBeLessThan(0.001);
    expect(Math.abs(f.ks - e.ks)).toBeLessThan(0.001);
    expect(Math.abs(f.prAuc - e.prAuc)).toBeLessThan(0.001);
  });

  it('has a calibration table of 10 equal-width buckets matching the pooled scores', () => {
    expect(m.calibration).toHaveLength(CALIBRATION_BUCKETS);
    for (let b = 0; b < CALIBRATION_BUCKETS; b++) {
      const bucket = m.calibration[b];
      expect(bucket.from).toBeCloseTo(b / 10, 12);
      expect(bucket.to).toBeCloseTo((b + 1) / 10, 12);
      let count = 0;
      let positives = 0;
      let scoreSum = 0;
      for (let i = 0; i < all.scores.length; i++) {
        if (Math.min(9, Math.floor(all.scores[i] * 10)) !== b) continue;
        count++;
        positives += all.labels[i];
        scoreSum += all.scores[i];
      }
      expect(bucket.count).toBe(count);
      if (count === 0) {
        expect(bucket.observedRate).toBeNaN();
        continue;
      }
      expect(bucket.observedRate).toBeCloseTo(positives / count, 12);
      // Bin centres are at most half a bin (0.0005) from the scores they stand for.
      expect(Math.abs(bucket.meanPredicted - scoreSum / count)).toBeLessThanOrEqual(0.0005 + 1e-12);
    }
    expect(m.calibration.reduce((a, b) => a + b.count, 0)).toBe(6000);
  });

  it('has a monotone ROC curve from (0,0) at threshold 1 to (1,1) at threshold 0, downsampled, whose area is the AUC', () => {
    const roc = m.roc;
    expect(roc.length).toBeLessThanOrEqual(ROC_MAX_POINTS);
    expect(roc.length).toBeGreaterThan(50);
    expect(roc[0]).toEqual({ threshold: 1, fpr: 0, tpr: 0 });
    expect(roc[roc.length - 1]).toEqual({ threshold: 0, fpr: 1, tpr: 1 });
    let area = 0;
    for (let i = 1; i < roc.length; i++) {
      expect(roc[i].threshold).toBeLessThan(roc[i - 1].threshold);
      expect(roc[i].fpr).toBeGreaterThanOrEqual(roc[i - 1].fpr);
      expect(roc[i].tpr).toBeGreaterThanOrEqual(roc[i - 1].tpr);
      area += ((roc[i].fpr - roc[i - 1].fpr) * (roc[i].tpr + roc[i - 1].tpr)) / 2;
    }
    expect(Math.abs(area - m.rocAuc)).toBeLessThan(0.002);
  });

  it('keeps the ROC curve within the point budget even for a histogram that is spread over every bin', () => {
    const h = emptyHistogram(DEFAULT_SCORE_BINS);
    for (let i = 0; i < h.bins; i++) {
      h.negatives[i] = 1 + (i % 7);
      h.positives[i] = 1 + (i % 5);
    }
    expect(federatedMetrics(h).roc.length).toBeLessThanOrEqual(ROC_MAX_POINTS);
  });
});

describe('federatedMetrics, edge cases', () => {
  it('gives NaN (not 0.5) AUC/KS/Gini and an empty ROC curve when one class is absent', () => {
    const onlyNegatives = federatedMetrics(buildScoreHistogram([0.1, 0.4, 0.8], [0, 0, 0]));
    expect(onlyNegatives.rocAuc).toBeNaN();
    expect(onlyNegatives.ks).toBeNaN();
    expect(onlyNegatives.gini).toBeNaN();
    expect(onlyNegatives.prAuc).toBeNaN();
    expect(onlyNegatives.roc).toEqual([]);
    expect(onlyNegatives.brier).toBeCloseTo((0.01 + 0.16 + 0.64) / 3, 12);
    const onlyPositives = federatedMetrics(buildScoreHistogram([0.1, 0.4], [1, 1]));
    expect(onlyPositives.rocAuc).toBeNaN();
    expect(onlyPositives.ks).toBeNaN();
    const nothing = federatedMetrics(emptyHistogram(10));
    expect(nothing.numExamples).toBe(0);
    expect(nothing.brier).toBeNaN();
    expect(nothing.logLoss).toBeNaN();
    expect(nothing.calibration.every((b) => b.count === 0 && Number.isNaN(b.observedRate))).toBe(true);
  });

  it('equals the exact Mann-Whitney AUC and KS when scores sit on bin centres (ties are then real)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1)), { minLength: 1, maxLength: 200 }),
        (bins, rows) => {
          const scores = rows.map(([k]) => ((k % bins) + 0.5) / bins);
          const labels = rows.map(([, y]) => y);
          const m = federatedMetrics(buildScoreHistogram(scores, labels, bins));
          const e = exactMetrics(scores, labels);
          if (Number.isNaN(e.rocAuc)) return Number.isNaN(m.rocAuc) && Number.isNaN(m.ks);
          return (
            Math.abs(m.rocAuc - e.rocAuc) < 1e-12 &&
            Math.abs(m.ks - e.ks) < 1e-12 &&
            m.prAuc >= 0 &&
            m.prAuc <= 1 + 1e-12
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Average precision of a ranked label sequence (no ties). */
function averagePrecision(ranked: number[]): number {
  let tp = 0;
  let sum = 0;
  ranked.forEach((y, i) => {
    if (y === 1) sum += ++tp / (i + 1);
  });
  return tp ? sum / tp : NaN;
}

/** Every distinct order of p ones and q zeros (all equally likely under a random order). */
function arrangements(p: number, q: number): number[][] {
  if (p === 0 || q === 0) return [[...Array(p).fill(1), ...Array(q).fill(0)]];
  return [...arrangements(p - 1, q).map((r) => [1, ...r]), ...arrangements(p, q - 1).map((r) => [0, ...r])];
}

describe('federatedMetrics average precision', () => {
  it('is the expected average precision over every order of the cases inside each bin, for small top bins (property)', () => {
    const count = fc.integer({ min: 0, max: 3 });
    fc.assert(
      fc.property(count, count, count, count, (p1, q1, p2, q2) => {
        // Lower bin larger than the top one: the regime computed exactly.
        const top = { p: p1, q: q1 };
        const low = { p: p2 + 1, q: q2 + p1 + q1 };
        const h = emptyHistogram(2);
        h.positives[1] = top.p;
        h.negatives[1] = top.q;
        h.positives[0] = low.p;
        h.negatives[0] = low.q;
        let sum = 0;
        let orders = 0;
        for (const a of arrangements(top.p, top.q))
          for (const b of arrangements(low.p, low.q)) {
            sum += averagePrecision([...a, ...b]);
            orders++;
          }
        return Math.abs(federatedMetrics(h).prAuc - sum / orders) < 1e-12;
      }),
      { numRuns: 200 },
    );
  });
});

describe('populationStabilityIndex', () => {
  const reference = (() => {
    const b = bank(21, 5000, 0.15);
    return buildScoreHistogram(b.scores, b.labels);
  })();

  it('is 0 for identical distributions and near 0 for another sample of the same population', () => {
    expect(populationStabilityIndex(reference, reference)).toBe(0);
    expect(federatedMetrics(reference, reference).psi).toBe(0);
    const twice = addHistograms(reference, reference);
    expect(populationStabilityIndex(reference, twice)).toBeCloseTo(0, 12);
    const resample = bank(22, 5000, 0.15);
    expect(populationStabilityIndex(reference, buildScoreHistogram(resample.scores, resample.labels))).toBeLessThan(
      0.02,
    );
  });

  it('is clearly above 0.1 for a shifted score distribution', () => {
    const shifted = bank(23, 5000, 0.15, 0.1);
    const psi = federatedMetrics(buildScoreHistogram(shifted.scores, shifted.labels), reference).psi;
    expect(psi).toBeGreaterThan(0.2);
  });

  it('uses the reference deciles as buckets and smooths empty buckets to 1e-4', () => {
    // Reference uniform over 10 bins: each bin is one decile. Current: all mass in bin 0.
    const ref = emptyHistogram(10);
    ref.negatives.fill(10);
    const cur = emptyHistogram(10);
    cur.positives[0] = 7;
    const expected = (1 - 0.1) * Math.log(1 / 0.1) + 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1);
    expect(populationStabilityIndex(ref, cur)).toBeCloseTo(expected, 12);
    // Quintiles: two bins per bucket.
    expect(populationStabilityIndex(ref, cur, 5)).toBeCloseTo(
      (1 - 0.2) * Math.log(1 / 0.2) + 4 * (1e-4 - 0.2) * Math.log(1e-4 / 0.2),
      12,
    );
  });

  it('rejects mismatched bins and is NaN for an empty population', () => {
    expect(() => populationStabilityIndex(emptyHistogram(10), emptyHistogram(20))).toThrow(/same bins/);
    expect(populationStabilityIndex(emptyHistogram(DEFAULT_SCORE_BINS), reference)).toBeNaN();
    expect(populationStabilityIndex(reference, emptyHistogram(DEFAULT_SCORE_BINS))).toBeNaN();
  });
});
