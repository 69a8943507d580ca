import { applyAdaptive, type AdaptiveConfig, type SecondMoment } from './adaptive-moments';
import type { ServerOptimizerStrategy } from './server-optimizer-strategy';

/** v = β2·v + (1-β2)·Δ² */
export const adamSecondMoment: SecondMoment = (vPrev, d2, beta2) => beta2 * vPrev + (1 - beta2) * d2;

export const fedAdamServerOptimizer: ServerOptimizerStrategy<AdaptiveConfig> = {
  type: 'fedadam',
  apply: (cfg, base, delta, state) => applyAdaptive(adamSecondMoment, cfg, base, delta, state),
};
