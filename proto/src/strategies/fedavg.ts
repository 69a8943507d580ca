import { assertDeltaMatches, type ServerOptimizerStrategy } from './server-optimizer-strategy';

/** FedAvg on the server: x = x + η Δ (η = 1 is plain FedAvg); no moments. */
export const fedAvgServerOptimizer: ServerOptimizerStrategy<{ type: 'fedavg'; learningRate?: number }> = {
  type: 'fedavg',
  apply(cfg, base, aggregateDelta, state) {
    assertDeltaMatches(base, aggregateDelta);
    const eta = cfg.learningRate ?? 1;
    const weights = new Float32Array(base.length);
    for (let i = 0; i < base.length; i++) weights[i] = base[i] + eta * aggregateDelta[i];
    return { weights, state: { m: new Float32Array(0), v: new Float32Array(0), step: (state?.step ?? 0) + 1 } };
  },
};
