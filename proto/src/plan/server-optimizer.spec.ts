import {
  applyServerOptimizer,
  decodeServerOptimizerState,
  encodeServerOptimizerState,
  type ServerOptimizerState,
} from './server-optimizer';
import { serverOptimizerSchema, type ServerOptimizerConfig } from './training-plan';

const adam = serverOptimizerSchema.parse({ type: 'fedadam' }) as ServerOptimizerConfig;
const yogi = serverOptimizerSchema.parse({ type: 'fedyogi' }) as ServerOptimizerConfig;
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Reddi et al. Algorithm 2 for one parameter, written out separately from the implementation. */
function reference(
  type: 'fedadam' | 'fedyogi',
  x: number,
  deltas: number[],
  eta = 0.01,
  b1 = 0.9,
  b2 = 0.99,
  tau = 1e-3,
): number {
  let m = 0;
  let v = tau * tau;
  for (const d of deltas) {
    m = b1 * m + (1 - b1) * d;
    v = type === 'fedadam' ? b2 * v + (1 - b2) * d * d : v - (1 - b2) * d * d * Math.sign(v - d * d);
    x = x + (eta * m) / (Math.sqrt(v) + tau);
  }
  return x;
}

function run(
  cfg: ServerOptimizerConfig,
  base: Float32Array,
  deltas: number[][],
): { weights: Float32Array; state: ServerOptimizerState } {
  let state: ServerOptimizerState | null = null;
  let weights = base;
  for (const d of deltas) ({ weights, state } = applyServerOptimizer(cfg, weights, Float64Array.from(d), state));
  return { weights, state: state! };
}

describe('applyServerOptimizer', () => {
  it('fedavg adds the aggregate delta', () => {
    const r = applyServerOptimizer(
      { type: 'fedavg', learningRate: 1 },
      Float32Array.of(1, -2, 0.5),
      Float64Array.of(0.25, 0.5, -0.125),
      null,
    );
    expect(Array.from(r.weights)).toEqual([1.25, -1.5, 0.375]);
    expect(r.state.step).toBe(1);
    expect(
      applyServerOptimizer({ type: 'fedavg', learningRate: 1 }, r.weights, new Float64Array(3), r.state).state.step,
    ).toBe(2);
  });

  it.each(['fedadam', 'fedyogi'] as const)('%s follows Algorithm 2 of Reddi et al.', (type) => {
    const deltas = [[0.1], [0.3], [-0.05], [0.002], [0.2]];
    const r = run(type === 'fedadam' ? adam : yogi, Float32Array.of(1), deltas);
    expect(r.weights[0]).toBeCloseTo(
      reference(
        type,
        1,
        deltas.map((d) => d[0]),
      ),
      5,
    );
    expect(r.state.step).toBe(5);
  });

  it('fedadam and fedyogi differ once the update shrinks (v decays multiplicatively vs additively)', () => {
    const deltas = [[1], [1], [0.01], [0.01], [0.01]];
    const a = run(adam, Float32Array.of(0), deltas);
    const y = run(yogi, Float32Array.of(0), deltas);
    expect(y.state.v[0]).toBeGreaterThan(a.state.v[0]);
    expect(y.weights[0]).not.toBe(a.weights[0]);
  });

  it('is bit-identical across runs and across a state encode/decode between rounds', () => {
    const n = 1000;
    const base = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const deltas = [0, 1, 2].map((r) => Array.from({ length: n }, (_, i) => Math.cos(i * (r + 1)) / 7));
    const once = run(adam, base, deltas);
    const again = run(adam, Float32Array.from(base), deltas);
    expect(bytes(again.weights).equals(bytes(once.weights))).toBe(true);
    const first = run(adam, base, deltas.slice(0, 2));
    const carried = decodeServerOptimizerState(encodeServerOptimizerState(first.state));
    const resumed = applyServerOptimizer(adam, first.weights, Float64Array.from(deltas[2]), carried);
    expect(bytes(resumed.weights).equals(bytes(once.weights))).toBe(true);
    expect(bytes(resumed.state.v).equals(bytes(once.state.v))).toBe(true);
  });

  it('moves a model to the optimum of a quadratic from members pointing at it', () => {
    const target = [3, -1, 0.5];
    let state: ServerOptimizerState | null = null;
    let w: Float32Array = new Float32Array(3);
    const cfg = serverOptimizerSchema.parse({ type: 'fedadam', learningRate: 0.05 }) as ServerOptimizerConfig;
    for (let round = 0; round < 400; round++) {
      const delta = Float64Array.from(target, (t, i) => 0.1 * (t - w[i]));
      ({ weights: w, state } = applyServerOptimizer(cfg, w, delta, state));
    }
    target.forEach((t, i) => expect(w[i]).toBeCloseTo(t, 1));
  });

  it('refuses mismatched lengths', () => {
    expect(() => applyServerOptimizer(adam, new Float32Array(3), new Float64Array(2), null)).toThrow(
      /2 values, the model has 3/,
    );
    const s = run(adam, new Float32Array(2), [[0, 0]]).state;
    expect(() => applyServerOptimizer(adam, new Float32Array(3), new Float64Array(3), s)).toThrow(
      /state holds 2\/2 moments/,
    );
  });
});

describe('server optimizer state codec', () => {
  it('round-trips and refuses foreign or truncated bytes', () => {
    const s = { m: Float32Array.of(1.5, -2), v: Float32Array.of(0.25, 1e-6), step: 7 };
    const enc = encodeServerOptimizerState(s);
    expect(enc.length).toBe(16 + 16);
    expect(decodeServerOptimizerState(enc)).toEqual(s);
    expect(
      decodeServerOptimizerState(
        encodeServerOptimizerState({ m: new Float32Array(0), v: new Float32Array(0), step: 3 }),
      ).step,
    ).toBe(3);
    expect(() => decodeServerOptimizerState(enc.subarray(0, enc.length - 1))).toThrow(/expected 32/);
    expect(() => decodeServerOptimizerState(new Uint8Array(20))).toThrow(/bad magic/);
    expect(() => decodeServerOptimizerState(new Uint8Array(3))).toThrow(/shorter than its header/);
  });
});
