/**
 * What honest members can produce. A decrypted aggregate outside these bounds means a member sent
 * out-of-range values (or the sum is not what it claims): the member refuses to apply it.
 * This detects poisoning after the fact; proving each contribution in range needs ZK range proofs.
 */
export interface OutOfRange {
  what: string;
  value: number;
  bound: string;
}

/** The weighted mean delta: each honest member clips its delta to `clipNorm` per value. */
export function checkMeanDelta(mean: Float32Array | Float64Array, clipNorm: number, codecError: number): OutOfRange[] {
  const limit = clipNorm + codecError;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < mean.length; i++) {
    const v = Math.abs(mean[i]);
    if (!(v <= limit) && (at < 0 || v > worst || Number.isNaN(v))) {
      worst = v;
      at = i;
    }
  }
  return at < 0 ? [] : [{ what: `mean delta at parameter ${at}`, value: worst, bound: `|x| <= ${limit}` }];
}

/**
 * Members' weights are n_i / N over the counted members, so the decrypted total is at most 1 (less
 * when a counted member dropped before its update) and at least this member's own weight, up to
 * the weight codec's error. An inflated weight pushes it above 1.
 */
export function checkTotalWeight(total: number, own: number, tolerance: number): OutOfRange[] {
  return total <= 1 + tolerance && total >= own - tolerance && total > 0
    ? []
    : [{ what: 'total weight', value: total, bound: `in [${Math.max(0, own - tolerance)}, ${1 + tolerance}]` }];
}

/** The consortium count includes this member's own, and at least one more row per other contributor. */
export function checkCountTotal(total: number, own: number, contributors: number): OutOfRange[] {
  const min = own + Math.max(0, contributors - 1);
  return Number.isSafeInteger(total) && total >= min
    ? []
    : [{ what: 'sample count total', value: total, bound: `>= ${min} (own ${own} + ${contributors - 1} others)` }];
}

/** Histogram totals must equal the holdout rows the members scored (when the counts are known). */
export function checkHistogramTotal(histogramRows: number, expectedRows: number | null, ownRows: number): OutOfRange[] {
  if (expectedRows !== null && histogramRows !== expectedRows) {
    return [{ what: 'evaluation histogram rows', value: histogramRows, bound: `= ${expectedRows}` }];
  }
  return histogramRows >= ownRows
    ? []
    : [{ what: 'evaluation histogram rows', value: histogramRows, bound: `>= ${ownRows} (this member's own)` }];
}

export const describeOutOfRange = (problems: readonly OutOfRange[]): string =>
  problems.map((p) => `${p.what} = ${p.value} (honest members give ${p.bound})`).join('; ');
