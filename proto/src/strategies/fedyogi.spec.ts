import { adamSecondMoment } from './fedadam';
import { fedYogiServerOptimizer, yogiSecondMoment } from './fedyogi';

const cfg = { learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 0.001 };

describe('fedYogiServerOptimizer', () => {
  it('moves v additively by (1-beta2)·Δ² toward Δ², unlike Adam', () => {
    expect(yogiSecondMoment(1, 4, 0.99)).toBeCloseTo(1 + 0.01 * 4, 12);
    expect(yogiSecondMoment(4, 1, 0.99)).toBeCloseTo(4 - 0.01 * 1, 12);
    expect(adamSecondMoment(4, 1, 0.99)).toBeCloseTo(0.99 * 4 + 0.01, 12);
  });

  it('applies the Yogi second moment in the step', () => {
    const d = Math.fround(2);
    const v0 = Math.fround(0.001 * 0.001);
    const v = Math.fround(v0 - 0.01 * d * d * Math.sign(v0 - d * d));
    const r = fedYogiServerOptimizer.apply(cfg, Float32Array.from([0]), Float64Array.from([2]), null);
    expect(r.state.v[0]).toBe(v);
    expect(r.state.m[0]).toBe(Math.fround(0.1 * d));
  });
});
