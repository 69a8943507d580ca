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
import type { AgentContext } from './agent-context';
import { roundMode } from './contribution-codec';
import { sendFields } from './field-upload';
import type { SecureSums } from './secure-sums';
import { saveStandardization } from './standardization-file';

export const needsFeatureStats = (plan: TrainingPlan): boolean => featureStatsFieldsNeeded(plan).size > 0;

/**
 * This member's count, sum and sum of squares per federated feature: encrypted in a secure round (only the
 * consortium total is ever decrypted), the same fields in the clear in a plaintext one.
 */
export async function sendFeatureStats(o: {
  task: Task__Output;
  sums: SecureSums;
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
 * The consortium moments: as recorded on the task once some member decrypted
 * them (or, plaintext, the coordinator summed them), else decrypted here from the
 * statistics round's sum and reported, so the coordinator can hand them to later
 * members and check every member agrees.
 */
export async function consortiumMoments(o: {
  task: Task__Output;
  client: CoordinatorClient;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  plan: TrainingPlan;
}): Promise<FeatureMoments> {
  if (o.task.standardizationJson) return JSON.parse(o.task.standardizationJson) as FeatureMoments;
  if (!o.task.statsRoundId || roundMode(o.task) === 'plaintext') {
    throw new Error(
      'the plan standardises features with consortium statistics, but none have been collected yet; the next round collects them',
    );
  }
  // The stats round may be an earlier epoch's: the epoch the sum names must be the one every part was signed for.
  const sum = await o.sums.download({
    roundId: o.task.statsRoundId,
    kind: 'stats',
    secure: true,
    contributed: o.task.statsRoundId === o.task.roundId,
    task: o.task,
  });
  const moments = decodeFeatureStats(await sum.open(), featureStatsFieldsNeeded(o.plan).features.length, o.spec);
  await o.client.submitStandardization(
    o.task.statsRoundId,
    JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares }),
    sum.keyEpoch,
  );
  return moments;
}

/** Applies the consortium's means and standard deviations and re-encodes the data with them (once). */
export async function ensureStandardized(task: Task__Output, ctx: AgentContext): Promise<void> {
  if (ctx.data.standardized) return;
  const dataFile = ctx.files.dataFile;
  if (!dataFile)
    throw new Error('this plan standardises features federatedly: the agent needs its data file to re-encode it');
  const moments = await consortiumMoments({
    task,
    client: ctx.client,
    sums: ctx.sums,
    keys: ctx.keys,
    spec: ctx.spec,
    plan: ctx.data.plan,
  });
  await ctx.data.standardize(moments, dataFile);
  // Kept for what scores the global model on this machine later (benefit): it must scale as training did.
  if (ctx.files.stateDir) saveStandardization(ctx.files.stateDir, moments);
  const scaled = ctx.data.plan.schema.features.flatMap((f) =>
    f.type === 'numeric' && f.standardize === 'federated'
      ? [`${f.name}: mean ${f.center.toPrecision(6)}, sd ${f.scale.toPrecision(6)}`]
      : [],
  );
  ctx.logger.info({ features: scaled }, 'consortium standardisation applied');
}
