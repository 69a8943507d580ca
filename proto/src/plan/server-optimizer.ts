import type { ServerOptimizerConfig } from './training-plan';

/**
 * Adaptive server optimizers from Reddi et al., "Adaptive Federated Optimization"
 * (ICLR 2021), Algorithm 2. The aggregated update Δ (mean of members' local minus
 * global weights) is a pseudo-gradient:
 *
 *   m = β1·m + (1-β1)·Δ
 *   v = β2·v + (1-β2)·Δ²                      (FedAdam)
 *   v = v - (1-β2)·Δ²·sign(v - Δ²)            (FedYogi)
 *   x = x + η·m / (sqrt(v) + τ)
 *
 * with m₀ = 0 and v₀ = τ² as in the paper (no bias correction). Every member runs
 * this on the same inputs and must get bit-identical weights, so it uses only
 * IEEE-exact operations (+ - * / sqrt, no pow/exp), computes each element in
 * float64 from float32 inputs, and rounds results to float32 in a fixed order.
 */
export interface ServerOptimizerState {
  /** First moment, one per parameter (empty for fedavg). */
  m: Float32Array;
  /** Second moment, one per parameter (empty for fedavg). */
  v: Float32Array;
  /** Rounds applied so far. */
  step: number;
}

export function applyServerOptimizer(
  cfg: ServerOptimizerConfig,
  base: Float32Array,
  aggregateDelta: Float64Array,
  state: ServerOptimizerState | null,
): { weights: Float32Array; state: ServerOptimizerState } {
  const n = base.length;
  if (aggregateDelta.length !== n)
    throw new Error(`aggregate delta has ${aggregateDelta.length} values, the model has ${n}`);
  const step = (state?.step ?? 0) + 1;
  const weights = new Float32Array(n);
  if (cfg.type === 'fedavg') {
    for (let i = 0; i < n; i++) weights[i] = base[i] + aggregateDelta[i];
    return { weights, state: { m: new Float32Array(0), v: new Float32Array(0), step } };
  }
  const { learningRate: eta, beta1, beta2, epsilon: tau } = cfg;
  if (state && (state.m.length !== n || state.v.length !== n)) {
    throw new Error(
      `server optimizer state holds ${state.m.length}/${state.v.length} moments, the model has ${n} parameters`,
    );
  }
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const v0 = Math.fround(tau * tau);
  const yogi = cfg.type === 'fedyogi';
  for (let i = 0; i < n; i++) {
    // Δ rounded to float32 first, so a member whose sum arrived in float64 and one
    // that kept it in float32 agree.
    const d = Math.fround(aggregateDelta[i]);
    const d2 = d * d;
    const mPrev = state ? state.m[i] : 0;
    const vPrev = state ? state.v[i] : v0;
    const mi = Math.fround(beta1 * mPrev + (1 - beta1) * d);
    const vi = Math.fround(yogi ? vPrev - (1 - beta2) * d2 * Math.sign(vPrev - d2) : beta2 * vPrev + (1 - beta2) * d2);
    m[i] = mi;
    v[i] = vi;
    weights[i] = base[i] + (eta * mi) / (Math.sqrt(vi) + tau);
  }
  return { weights, state: { m, v, step } };
}

const MAGIC = 0x53534f31; // "SSO1"
const HEADER_BYTES = 16;

/** Bytes: magic u32, step u32, n u32, reserved u32, then m and v as n float32 each, little-endian. */
export function encodeServerOptimizerState(state: ServerOptimizerState): Uint8Array {
  const n = state.m.length;
  if (state.v.length !== n) throw new Error(`server optimizer state: m has ${n} values, v has ${state.v.length}`);
  const out = new Uint8Array(HEADER_BYTES + 8 * n);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, state.step, true);
  view.setUint32(8, n, true);
  view.setUint32(12, 0, true);
  for (let i = 0; i < n; i++) {
    view.setFloat32(HEADER_BYTES + 4 * i, state.m[i], true);
    view.setFloat32(HEADER_BYTES + 4 * (n + i), state.v[i], true);
  }
  return out;
}

export function decodeServerOptimizerState(bytes: Uint8Array): ServerOptimizerState {
  if (bytes.length < HEADER_BYTES)
    throw new Error(`server optimizer state: ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('server optimizer state: not a state (bad magic)');
  const step = view.getUint32(4, true);
  const n = view.getUint32(8, true);
  if (bytes.length !== HEADER_BYTES + 8 * n)
    throw new Error(
      `server optimizer state: ${bytes.length} bytes, expected ${HEADER_BYTES + 8 * n} for ${n} parameters`,
    );
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    m[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
    v[i] = view.getFloat32(HEADER_BYTES + 4 * (n + i), true);
  }
  return { m, v, step };
}
