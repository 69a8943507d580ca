/**
 * Server optimizers after Reddi et al., "Adaptive Federated Optimization" (ICLR 2021),
 * Algorithm 2: the aggregated update Δ (mean of members' local minus global weights)
 * is a pseudo-gradient the server steps along. Every member runs the same strategy on
 * the same inputs and must get bit-identical weights, so implementations use only
 * IEEE-exact operations (+ - * / sqrt, no pow/exp), compute each element in float64
 * from float32 inputs, and round results to float32 in a fixed order.
 */
export interface ServerOptimizerState {
  /** First moment, one per parameter (empty for fedavg). */
  m: Float32Array;
  /** Second moment, one per parameter (empty for fedavg). */
  v: Float32Array;
  /** Rounds applied so far. */
  step: number;
}

export interface ServerOptimizerStep {
  weights: Float32Array;
  state: ServerOptimizerState;
}

/** One algorithm, configured by its section of the plan. */
export interface ServerOptimizerStrategy<Config> {
  readonly type: string;
  apply(
    cfg: Config,
    base: Float32Array,
    aggregateDelta: Float64Array,
    state: ServerOptimizerState | null,
  ): ServerOptimizerStep;
}

export function assertDeltaMatches(base: Float32Array, aggregateDelta: Float64Array): void {
  if (aggregateDelta.length !== base.length)
    throw new Error(`aggregate delta has ${aggregateDelta.length} values, the model has ${base.length}`);
}
