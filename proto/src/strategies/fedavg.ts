import { assertDeltaMatches, type ServerOptimizerStrategy } from './server-optimizer-strategy';

/** Plain FedAvg on the server: x = x + Δ; no moments. */
export const fedAvgServerOptimizer: ServerOptimizerStrategy<{ type: 'fedavg' }> = {
  type: 'fedavg',
  apply(_cfg, base, aggregateDelta, state) {
    assertDeltaMatches(base, aggregateDelta);
    const weights = new Float32Array(base.length);
    for (let i = 0; i < base.length; i++) weights[i] = base[i] + aggregateDelta[i];
    return { weights, state: { m: new Float32Array(0), v: new Float32Array(0), step: (state?.step ?? 0) + 1 } };
  },
};
