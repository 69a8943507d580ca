import { initialWeights } from './initial-weights';
import { modelLayout } from './model-layout';
import { initialModelPayload, joinModelPayload, modelPayloadFloats, splitModelPayload } from './model-payload';
import { applyServerOptimizer } from './server-optimizer';
import { parseTrainingPlan, type TrainingPlan } from './training-plan';

const planWith = (serverOptimizer: unknown): TrainingPlan =>
  parseTrainingPlan({
    name: 'unit',
    schema: {
      features: [
        { name: 'a', type: 'numeric' },
        { name: 'b', type: 'numeric' },
        { name: 'c', type: 'numeric' },
      ],
      target: { name: 'y' },
    },
    model: { template: 'mlp', hiddenUnits: [4] },
    serverOptimizer,
  });
const fedavg = planWith({ type: 'fedavg' });
const adam = planWith({ type: 'fedadam', learningRate: 0.05 });
const yogi = planWith({ type: 'fedyogi' });
const n = modelLayout(adam).numParams;
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** What a member does with a decrypted aggregate: split its base payload, step the optimizer, join. */
function member(plan: TrainingPlan, payload: Float32Array, delta: Float64Array): Float32Array {
  const { weights, state } = splitModelPayload(plan, Float32Array.from(payload));
  const next = applyServerOptimizer(plan.serverOptimizer, weights, delta, state);
  return joinModelPayload(plan, next.weights, plan.serverOptimizer.type === 'fedavg' ? null : next.state);
}

/** Deterministic pseudo-random deltas (no Math.random: reproducible failures). */
function deltas(seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 131 + i * 7.3) / (3 + (seed % 5)));
}

describe('model payload', () => {
  it('is the weights for fedavg and weights, m, v for the adaptive optimizers', () => {
    expect(modelPayloadFloats(fedavg)).toBe(n);
    expect(modelPayloadFloats(adam)).toBe(3 * n);
    expect(modelPayloadFloats(yogi)).toBe(3 * n);
  });

  it('starts from the initial weights with m = 0 and v = fround(tau^2)', () => {
    expect(bytes(initialModelPayload(fedavg)).equals(bytes(initialWeights(fedavg)))).toBe(true);
    const { weights, state } = splitModelPayload(adam, initialModelPayload(adam));
    expect(bytes(weights).equals(bytes(initialWeights(adam)))).toBe(true);
    expect(state).not.toBeNull();
    expect(Array.from(state!.m).every((x) => x === 0)).toBe(true);
    expect(Array.from(state!.v).every((x) => x === Math.fround(1e-3 * 1e-3))).toBe(true);
  });

  it('starting from the initial payload equals applyServerOptimizer from no state', () => {
    const d = deltas(1);
    const fromPayload = member(adam, initialModelPayload(adam), d);
    const fresh = applyServerOptimizer(adam.serverOptimizer, initialWeights(adam), d, null);
    expect(bytes(fromPayload).equals(bytes(joinModelPayload(adam, fresh.weights, fresh.state)))).toBe(true);
  });

  it('split and join round-trip', () => {
    const p = Float32Array.from({ length: 3 * n }, (_, i) => i / 3);
    const { weights, state } = splitModelPayload(yogi, p);
    expect(bytes(joinModelPayload(yogi, weights, state)).equals(bytes(p))).toBe(true);
  });

  it('refuses a payload of the wrong length and a missing state', () => {
    expect(() => splitModelPayload(adam, new Float32Array(n))).toThrow(/needs/);
    expect(() => splitModelPayload(fedavg, new Float32Array(3 * n))).toThrow(/needs/);
    expect(() => joinModelPayload(adam, new Float32Array(n), null)).toThrow(/moments/);
    expect(() => joinModelPayload(adam, new Float32Array(n + 1), null)).toThrow(/weight vector/);
  });

  it('two members applying the same aggregates to the same payload stay bit-identical, and a late joiner agrees', () => {
    for (const plan of [fedavg, adam, yogi]) {
      for (let trial = 0; trial < 20; trial++) {
        let a = initialModelPayload(plan);
        let b = initialModelPayload(plan);
        const rounds = 2 + (trial % 4);
        for (let r = 0; r < rounds; r++) {
          const d = deltas(trial * 10 + r);
          a = member(plan, a, d);
          // Each member decrypts its own copy of the same sum.
          b = member(plan, b, Float64Array.from(d));
        }
        expect(bytes(a).equals(bytes(b))).toBe(true);
        // A member that missed the rounds downloads the payload and continues from it.
        const last = deltas(trial * 10 + rounds);
        expect(bytes(member(plan, Float32Array.from(a), last)).equals(bytes(member(plan, b, last)))).toBe(true);
      }
    }
  });

  it('FedAdam moves the model differently from FedAvg', () => {
    const d = deltas(0);
    const avg = member(fedavg, initialModelPayload(fedavg), d);
    const adamW = splitModelPayload(adam, member(adam, initialModelPayload(adam), d)).weights;
    expect(bytes(adamW).equals(bytes(avg))).toBe(false);
    // First FedAdam step: m = 0.1 d, sqrt(v) ~ 0.1 |d|, so about eta * sign(d) when |d| >> tau.
    const i = Array.from(d).findIndex((x) => Math.abs(x) > 0.25);
    expect(adamW[i] - initialWeights(adam)[i]).toBeCloseTo(0.05 * Math.sign(d[i]), 2);
  });
});
