import type { ServerOptimizerConfig } from '../plan/training-plan';
import { fedAdamServerOptimizer } from './fedadam';
import { fedAvgServerOptimizer } from './fedavg';
import { fedYogiServerOptimizer } from './fedyogi';
import type { ServerOptimizerState, ServerOptimizerStep, ServerOptimizerStrategy } from './server-optimizer-strategy';

type ConfigOf<T extends ServerOptimizerConfig['type']> = Extract<ServerOptimizerConfig, { type: T }>;

/** One entry per `serverOptimizer.type` the plan schema admits; a new type fails to compile until it is listed. */
export const SERVER_OPTIMIZERS: { [T in ServerOptimizerConfig['type']]: ServerOptimizerStrategy<ConfigOf<T>> } = {
  fedavg: fedAvgServerOptimizer,
  fedadam: fedAdamServerOptimizer,
  fedyogi: fedYogiServerOptimizer,
};

export function serverOptimizerFor<T extends ServerOptimizerConfig['type']>(
  type: T,
): ServerOptimizerStrategy<ConfigOf<T>> {
  const found = SERVER_OPTIMIZERS[type] as ServerOptimizerStrategy<ConfigOf<T>> | undefined;
  if (!found)
    throw new Error(`unknown server optimizer "${type}"; use one of ${Object.keys(SERVER_OPTIMIZERS).join(', ')}`);
  return found;
}

export function applyServerOptimizer(
  cfg: ServerOptimizerConfig,
  base: Float32Array,
  aggregateDelta: Float64Array,
  state: ServerOptimizerState | null,
): ServerOptimizerStep {
  return (serverOptimizerFor(cfg.type) as ServerOptimizerStrategy<ServerOptimizerConfig>).apply(
    cfg,
    base,
    aggregateDelta,
    state,
  );
}
