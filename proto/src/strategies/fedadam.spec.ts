import { fedAdamServerOptimizer } from './fedadam';

const cfg = { learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 0.001 };

describe('fedAdamServerOptimizer', () => {
  it('takes the first step of Algorithm 2 from m0 = 0, v0 = tau^2', () => {
    const d = Math.fround(0.5);
    const m = Math.fround(0.1 * d);
    const v = Math.fround(0.99 * Math.fround(0.001 * 0.001) + 0.01 * d * d);
    const r = fedAdamServerOptimizer.apply(cfg, Float32Array.from([1]), Float64Array.from([0.5]), null);
    expect(r.state.m[0]).toBe(m);
    expect(r.state.v[0]).toBe(v);
    expect(r.weights[0]).toBe(Math.fround(1 + (0.1 * m) / (Math.sqrt(v) + 0.001)));
    expect(r.state.step).toBe(1);
  });

  it('refuses moments sized for another model', () => {
    const state = { m: new Float32Array(2), v: new Float32Array(2), step: 1 };
    expect(() => fedAdamServerOptimizer.apply(cfg, new Float32Array(3), new Float64Array(3), state)).toThrow(
      'server optimizer state holds 2/2 moments, the model has 3 parameters',
    );
  });
});
