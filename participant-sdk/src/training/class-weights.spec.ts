import { resolveClassWeights } from './class-weights';

describe('resolveClassWeights', () => {
  it('passes explicit weights through and leaves training unweighted without a setting', () => {
    expect(resolveClassWeights({ '0': 1, '1': 9 }, [0, 1])).toEqual({ 0: 1, 1: 9 });
    expect(resolveClassWeights(undefined, [0, 1])).toBeUndefined();
  });

  it("balances from the member's own labels: rows / (2 * rows of the class)", () => {
    expect(resolveClassWeights('balanced', [0, 0, 0, 1])).toEqual({ 0: 4 / 6, 1: 2 });
    expect(resolveClassWeights('balanced', Float32Array.of(1, 1, 0, 0))).toEqual({ 0: 1, 1: 1 });
    // A member without positives: the absent class gets 1 (it never occurs).
    expect(resolveClassWeights('balanced', [0, 0])).toEqual({ 0: 0.5, 1: 1 });
  });
});
