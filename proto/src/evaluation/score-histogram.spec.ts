import {
  addHistograms,
  buildScoreHistogram,
  DEFAULT_SCORE_BINS,
  emptyHistogram,
  histogramTotals,
  LOG_LOSS_EPSILON,
  scoreBin,
} from './score-histogram';

describe('buildScoreHistogram', () => {
  it('puts score s in bin floor(s * bins), and a score of exactly 1 in the last bin', () => {
    const h = buildScoreHistogram([0, 0.05, 0.1, 0.55, 0.999, 1, 1], [0, 1, 0, 1, 0, 1, 0], 10);
    expect(Array.from(h.negatives)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(Array.from(h.positives)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(scoreBin(1, DEFAULT_SCORE_BINS)).toBe(DEFAULT_SCORE_BINS - 1);
    expect(scoreBin(0.999, 1000)).toBe(999);
    expect(scoreBin(0.5, 1000)).toBe(500);
    expect(scoreBin(0.00995, DEFAULT_SCORE_BINS)).toBe(99);
  });

  it('sums squared error and clipped cross-entropy', () => {
    const h = buildScoreHistogram([0.2, 0.9, 0, 1], [0, 1, 1, 0]);
    expect(h.bins).toBe(DEFAULT_SCORE_BINS);
    expect(h.sumSquaredError).toBeCloseTo(0.04 + 0.01 + 1 + 1, 12);
    const clipped = -Math.log(LOG_LOSS_EPSILON);
    expect(h.sumLogLoss).toBeCloseTo(-Math.log(0.8) - Math.log(0.9) + 2 * clipped, 6);
    expect(Number.isFinite(h.sumLogLoss)).toBe(true);
    expect(histogramTotals(h)).toEqual({ negatives: 2, positives: 2, numExamples: 4 });
  });

  it('rejects NaN or out-of-range scores, labels other than 0/1 and mismatched lengths, naming the index', () => {
    expect(() => buildScoreHistogram([0.1, NaN], [0, 1])).toThrow(/score at index 1 is NaN/);
    expect(() => buildScoreHistogram([0.1, 1.5], [0, 1])).toThrow(/score at index 1 is 1.5/);
    expect(() => buildScoreHistogram([-0.01], [0])).toThrow(RangeError);
    expect(() => buildScoreHistogram([0.1, 0.2, 0.3], [0, 2, 1])).toThrow(/label at index 1 is 2/);
    expect(() => buildScoreHistogram([0.1], [0.5])).toThrow(/label at index 0/);
    expect(() => buildScoreHistogram([0.1, 0.2], [0])).toThrow(/2 scores but 1 labels/);
    expect(() => buildScoreHistogram([0.1], [0], 0)).toThrow(/bins must be a positive integer/);
    expect(() => buildScoreHistogram([0.1], [0], 2.5)).toThrow(RangeError);
  });
});

describe('addHistograms / emptyHistogram', () => {
  it('adds counts and sums; the empty histogram is the identity', () => {
    const a = buildScoreHistogram([0.1, 0.7], [0, 1], 4);
    const b = buildScoreHistogram([0.15, 0.9, 0.3], [1, 1, 0], 4);
    const s = addHistograms(a, b);
    expect(Array.from(s.negatives)).toEqual([1, 1, 0, 0]);
    expect(Array.from(s.positives)).toEqual([1, 0, 1, 1]);
    expect(s.sumSquaredError).toBeCloseTo(a.sumSquaredError + b.sumSquaredError, 15);
    expect(s.sumLogLoss).toBeCloseTo(a.sumLogLoss + b.sumLogLoss, 15);
    expect(addHistograms(a, emptyHistogram(4))).toEqual(a);
    expect(emptyHistogram(3)).toEqual({
      bins: 3,
      negatives: new Float64Array(3),
      positives: new Float64Array(3),
      sumSquaredError: 0,
      sumLogLoss: 0,
    });
  });

  it('refuses histograms of different bins', () => {
    expect(() => addHistograms(emptyHistogram(10), emptyHistogram(20))).toThrow(/10 and 20 bins/);
  });
});
