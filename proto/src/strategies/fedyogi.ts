import { applyAdaptive, type AdaptiveConfig, type SecondMoment } from './adaptive-moments';
import type { ServerOptimizerStrategy } from './server-optimizer-strategy';

/** v = v - (1-β2)·Δ²·sign(v - Δ²): the second moment grows no faster than additively. */
export const yogiSecondMoment: SecondMoment = (vPrev, d2, beta2) => vPrev - (1 - beta2) * d2 * Math.sign(vPrev - d2);

export const fedYogiServerOptimizer: ServerOptimizerStrategy<AdaptiveConfig> = {
  type: 'fedyogi',
  apply: (cfg, base, delta, state) => applyAdaptive(yogiSecondMoment, cfg, base, delta, state),
};
