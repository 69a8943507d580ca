import { histogramTotals, type ScoreHistogram } from '@syndicate/protocol';

/** A histogram as stored and reported: counts as plain numbers (exact below 2^53). */
export interface HistogramRecord {
  bins: number;
  negatives: number[];
  positives: number[];
  sumSquaredError: number;
  sumLogLoss: number;
}

export const toScoreHistogram = (h: HistogramRecord): ScoreHistogram => ({
  bins: h.bins,
  negatives: Float64Array.from(h.negatives),
  positives: Float64Array.from(h.positives),
  sumSquaredError: h.sumSquaredError,
  sumLogLoss: h.sumLogLoss,
});

// Fixed-point sums decode to the same doubles on every member; compare at that precision anyway.
const canonicalOne = (h: HistogramRecord) => [
  h.bins,
  h.negatives,
  h.positives,
  h.sumSquaredError.toPrecision(12),
  h.sumLogLoss.toPrecision(12),
];
export const canonical = (validation: HistogramRecord, test: HistogramRecord | null): string =>
  JSON.stringify([canonicalOne(validation), test ? canonicalOne(test) : null]);

/** Every problem with a reported histogram, not just the first. */
export function histogramProblems(h: HistogramRecord, bins: number, o: { mayBeEmpty?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (h.bins !== bins) problems.push(`bins is ${h.bins}, the plan evaluates with ${bins}`);
  for (const side of ['negatives', 'positives'] as const) {
    if (h[side].length !== bins) problems.push(`${side} has ${h[side].length} counts, expected ${bins}`);
    const bad = h[side].findIndex((c) => !Number.isSafeInteger(c) || c < 0);
    if (bad >= 0) problems.push(`${side}[${bad}] is ${h[side][bad]}, not a non-negative integer`);
  }
  for (const k of ['sumSquaredError', 'sumLogLoss'] as const)
    if (!Number.isFinite(h[k]) || h[k] < 0) problems.push(`${k} must be finite and non-negative, got ${h[k]}`);
  if (!problems.length) {
    const n = histogramTotals(toScoreHistogram(h)).numExamples;
    if (n === 0 && !o.mayBeEmpty) problems.push('the histogram counts no examples');
    if (h.sumSquaredError > n)
      problems.push(`sumSquaredError ${h.sumSquaredError} exceeds the number of examples ${n}`);
  }
  return problems;
}
