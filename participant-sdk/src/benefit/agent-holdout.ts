import type { TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { splitHoldout } from '../data/holdout-split';

/**
 * The train/holdout split the agent makes of a bank's file (agent-runner): same
 * plan fraction and seed, so comparisons score exactly the rows the consortium's
 * federated evaluation scored.
 */
export function agentSplit(plan: Pick<TrainingPlan, 'holdout'>, data: Dataset): { train: Dataset; holdout: Dataset } {
  return splitHoldout(data, plan.holdout.fraction, plan.holdout.seed);
}
