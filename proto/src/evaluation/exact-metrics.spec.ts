import { exactMetrics } from './exact-metrics';

describe('exactMetrics', () => {
  it('matches hand-computed AUC, KS, Gini, average precision, Brier and log loss', () => {
    // Positives at 0.35 and 0.8, negatives at 0.1 and 0.4: 3 of 4 pairs ordered.
    const m = exactMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(m.numExamples).toBe(4);
    expect(m.positives).toBe(2);
    expect(m.rocAuc).toBeCloseTo(0.75, 12);
    expect(m.gini).toBeCloseTo(0.5, 12);
    // Thresholds 0.8: (tpr .5, fpr 0); 0.4: (.5, .5); 0.35: (1, .5); 0.1: (1, 1).
    expect(m.ks).toBeCloseTo(0.5, 12);
    expect(m.ksThreshold).toBe(0.8);
    // Precision 1 at recall .5, 2/3 at recall 1.
    expect(m.prAuc).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
    expect(m.brier).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 12);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, 12);
  });

  it('averages the ranks of tied scores (a tie counts half)', () => {
    expect(exactMetrics([0.5, 0.5], [0, 1]).rocAuc).toBe(0.5);
    expect(exactMetrics([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1]).rocAuc).toBeCloseTo((1 + 0.5 + 1 + 1) / 4, 12);
    // A run of ties is one threshold for average precision: precision 2/3 at recall 1.
    expect(exactMetrics([0.5, 0.5, 0.5], [1, 0, 1]).prAuc).toBeCloseTo(2 / 3, 12);
  });

  it('is invariant to input order and perfect for a perfect ranking', () => {
    const a = exactMetrics([0.9, 0.1, 0.6, 0.3], [1, 0, 1, 0]);
    const b = exactMetrics([0.3, 0.6, 0.1, 0.9], [0, 1, 0, 1]);
    expect(a).toEqual(b);
    expect(a.rocAuc).toBe(1);
    expect(a.ks).toBe(1);
    expect(a.ksThreshold).toBe(0.6);
    expect(a.prAuc).toBe(1);
  });

  it('gives NaN, not 0.5, for AUC/KS/Gini when a class is absent', () => {
    const m = exactMetrics([0.2, 0.7], [1, 1]);
    expect(m.rocAuc).toBeNaN();
    expect(m.ks).toBeNaN();
    expect(m.gini).toBeNaN();
    expect(m.prAuc).toBe(1);
    expect(exactMetrics([0.2, 0.7], [0, 0]).prAuc).toBeNaN();
    const empty = exactMetrics([], []);
    expect(empty.numExamples).toBe(0);
    expect(empty.brier).toBeNaN();
  });

  it('rejects bad inputs', () => {
    expect(() => exactMetrics([0.1, NaN], [0, 1])).toThrow(/index 1/);
    expect(() => exactMetrics([0.1], [3])).toThrow(/label at index 0 is 3/);
  });
});
