import {
  decodeFeatureStats,
  encodeFeatureStats,
  featureStatsFieldsNeeded,
  type FeatureMoments,
  type SecureAggregationSpec,
  type Task__Output,
  type TrainingPlan,
} from '@syndicate/protocol';
import type { KeyRing } from '../crypto/key-ring';
import { localFeatureMoments } from '../data/feature-moments';
import type { CoordinatorClient } from './coordinator-client';
import { sendFields } from './secure-round';

export const needsFeatureStats = (plan: TrainingPlan): boolean => featureStatsFieldsNeeded(plan).size > 0;

/** This member's count, sum and sum of squares per federated feature, encrypted: only the consortium total is ever decrypted. */
export async function sendFeatureStats(o: {
  task: Task__Output;
  client: CoordinatorClient;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  plan: TrainingPlan;
  dataFile: string;
  rows: number;
}): Promise<void> {
  const moments = await localFeatureMoments(o.dataFile, o.plan.schema, o.plan.holdout, o.rows);
  await sendFields({ ...o, kind: 'stats', fields: encodeFeatureStats(moments, o.spec) });
}

/**
 * The consortium moments: as reported on the task once some member decrypted
 * them, else decrypted here from the statistics round's sum and reported, so
 * the coordinator can hand them to later members and check every member agrees.
 */
export async function consortiumMoments(o: {
  task: Task__Output;
  client: CoordinatorClient;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  plan: TrainingPlan;
}): Promise<FeatureMoments> {
  if (o.task.standardizationJson) return JSON.parse(o.task.standardizationJson) as FeatureMoments;
  if (!o.task.statsRoundId || !o.task.parameterSet) {
    throw new Error(
      'the plan standardises features with consortium statistics, but none have been collected yet; the next round collects them',
    );
  }
  const sum = await o.client.downloadAggregate(o.task.statsRoundId, 'stats');
  const { holder } = await o.keys.get(sum.keyEpoch);
  const moments = decodeFeatureStats(
    holder.decrypt(sum.data),
    featureStatsFieldsNeeded(o.plan).features.length,
    o.spec,
  );
  await o.client.submitStandardization(
    o.task.statsRoundId,
    JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares }),
    sum.keyEpoch,
  );
  return moments;
}
