import {
  addFeatureMoments,
  applyConsortiumStandardization,
  featureStatsFieldsNeeded,
  type FeatureMoments,
  type TrainingPlan,
} from '@syndicate/protocol';
import { localFeatureMoments } from '../data/feature-moments';

/**
 * With `standardize: federated` features, the plan as the consortium would
 * resolve it from these members' moments (their training rows, as members
 * contribute them); unchanged otherwise.
 */
export async function standardizedPlan(plan: TrainingPlan, files: string[]): Promise<TrainingPlan> {
  if (featureStatsFieldsNeeded(plan).size === 0) return plan;
  let sum: FeatureMoments | undefined;
  for (const file of files) {
    const m = await localFeatureMoments(file, plan.schema, plan.holdout);
    sum = sum ? addFeatureMoments(sum, m) : m;
  }
  return applyConsortiumStandardization(plan, sum!);
}
