import {
  checkCountTotal,
  checkHistogramTotal,
  checkMeanDelta,
  checkTotalWeight,
  describeOutOfRange,
} from './aggregate-bounds';

describe('aggregate bounds', () => {
  it('accept an honest mean delta and refuse a poisoned one, naming the parameter', () => {
    expect(checkMeanDelta(Float32Array.from([0.5, -0.99, 1.0005]), 1, 0.001)).toEqual([]);
    const p = checkMeanDelta(Float32Array.from([0.1, 26, -3]), 1, 0.001);
    expect(p).toHaveLength(1);
    expect(describeOutOfRange(p)).toContain('parameter 1');
    expect(checkMeanDelta(Float64Array.from([NaN]), 1, 0)).toHaveLength(1);
  });
  it('refuse a total weight above 1 (an inflated weight) or below this member own, accept a dropout', () => {
    expect(checkTotalWeight(1.00001, 0.2, 1e-3)).toEqual([]);
    expect(checkTotalWeight(0.74, 0.2, 1e-3)).toEqual([]); // a counted member dropped before its update
    expect(checkTotalWeight(1.9, 0.2, 1e-3)).toHaveLength(1);
    expect(checkTotalWeight(0.1, 0.2, 1e-3)).toHaveLength(1);
  });
  it('refuse a count total below this member own count', () => {
    expect(checkCountTotal(9000, 4321, 3)).toEqual([]);
    expect(checkCountTotal(4321, 4321, 3)).toHaveLength(1);
  });
  it('refuse histogram totals that do not match the rows scored', () => {
    expect(checkHistogramTotal(1000, 1000, 200)).toEqual([]);
    expect(checkHistogramTotal(999, 1000, 200)).toHaveLength(1);
    expect(checkHistogramTotal(100, null, 200)).toHaveLength(1);
  });
});
