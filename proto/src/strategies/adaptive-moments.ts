import { assertDeltaMatches, type ServerOptimizerState, type ServerOptimizerStep } from './server-optimizer-strategy';

export interface AdaptiveConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** How the second moment moves: the only line FedAdam and FedYogi differ in. */
export type SecondMoment = (vPrev: number, d2: number, beta2: number) => number;

/**
 *   m = β1·m + (1-β1)·Δ ;  v = secondMoment(v, Δ²) ;  x = x + η·m / (sqrt(v) + τ)
 * with m₀ = 0 and v₀ = τ² as in the paper (no bias correction).
 */
export function applyAdaptive(
  secondMoment: SecondMoment,
  cfg: AdaptiveConfig,
  base: Float32Array,
  aggregateDelta: Float64Array,
  state: ServerOptimizerState | null,
): ServerOptimizerStep {
  assertDeltaMatches(base, aggregateDelta);
  const n = base.length;
  const { learningRate: eta, beta1, beta2, epsilon: tau } = cfg;
  if (state && (state.m.length !== n || state.v.length !== n)) {
    throw new Error(
      `server optimizer state holds ${state.m.length}/${state.v.length} moments, the model has ${n} parameters`,
    );
  }
  const weights = new Float32Array(n);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const v0 = Math.fround(tau * tau);
  for (let i = 0; i < n; i++) {
    // Δ rounded to float32 first, so a member whose sum arrived in float64 and one
    // that kept it in float32 agree.
    const d = Math.fround(aggregateDelta[i]);
    const d2 = d * d;
    const mPrev = state ? state.m[i] : 0;
    const vPrev = state ? state.v[i] : v0;
    const mi = Math.fround(beta1 * mPrev + (1 - beta1) * d);
    const vi = Math.fround(secondMoment(vPrev, d2, beta2));
    m[i] = mi;
    v[i] = vi;
    weights[i] = base[i] + (eta * mi) / (Math.sqrt(vi) + tau);
  }
  return { weights, state: { m, v, step: (state?.step ?? 0) + 1 } };
}
