import {
  HeKeyHolder,
  encodeFeatureStats,
  encodeSampleCount,
  type FeatureMoments,
  generateFederationKey,
  parseTrainingPlan,
  planSecureSpec,
  type FederationKey,
  type SecureAggregationSpec,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import type { Harness } from './coordinator-harness';
import { enrolledClient } from './light-agent';
import { TaskInbox } from './task-inbox';
import { uploadSigned } from './signed-contribution';
import { dealSignedEpoch } from './test-dealer';

export type LightMember = Awaited<ReturnType<typeof enrolledClient>> & { inbox: TaskInbox; n: number; name: string };

export interface LightSecureRound {
  federationId: string;
  members: LightMember[];
  holder: HeKeyHolder;
  /** The epoch key the test dealt (members sign their contributions' digests under it). */
  key: FederationKey;
  keyEpoch: number;
  spec: SecureAggregationSpec;
  /** The TRAIN task every counted member received (same round, same base model). */
  train: Task__Output;
  close(): void;
}

/**
 * A secure round driven by light members (no TensorFlow) over real gRPC, up to
 * the point where every member may upload: the test plays the dealer, every
 * member sends its encrypted count, all receive their train task.
 */
export async function lightSecureRound(
  h: Harness,
  planInput: TrainingPlanInput,
  banks: [string, number][],
  opts: {
    deadlineSeconds?: number;
    /** Members (by name) that receive the count task and send nothing: they are in the key epoch, not the round. */
    abstain?: string[];
    /** Feature moments a member sends with its count (plans with federated standardisation); none when undefined. */
    stats?: (name: string, n: number) => FeatureMoments | undefined;
  } = {},
): Promise<LightSecureRound> {
  const plan = parseTrainingPlan(planInput);
  const f = await h.admin.createFederation(planInput);
  const members: LightMember[] = [];
  for (const [name, n] of banks) {
    const m = await enrolledClient(h, f.id, name);
    members.push({ ...m, inbox: new TaskInbox(m.client), n, name });
  }
  await new Promise((r) => setTimeout(r, 300));
  await h.admin.openRound(f.id, { deadlineSeconds: opts.deadlineSeconds });
  const dealer =
    members[await Promise.any(members.map((m, i) => m.inbox.next('TASK_TYPE_KEY_CEREMONY').then(() => i)))];
  const keyEpoch = 1;
  const key = await generateFederationKey(plan.aggregation.secure.parameterSet, keyEpoch);
  await dealSignedEpoch(
    dealer,

    members.map((m) => m.identity),

    key,
  );
  const holder = await HeKeyHolder.open(key);
  const spec = planSecureSpec(plan);
  const abstain = new Set(opts.abstain ?? []);
  const counted = members.filter((m) => !abstain.has(m.name));
  for (const m of members) {
    const count = await m.inbox.next('TASK_TYPE_COUNT');
    if (abstain.has(m.name)) continue;
    const moments = opts.stats?.(m.name, m.n);
    const at = { roundId: count.roundId, baseModelVersionId: count.modelVersionId };
    if (moments)
      await uploadSigned(
        m,
        { key, holder },
        { ...at, kind: 'stats', payload: holder.encrypt(encodeFeatureStats(moments, spec)) },
      );
    await uploadSigned(
      m,
      { key, holder },
      { ...at, kind: 'count', payload: holder.encrypt(encodeSampleCount(m.n, spec)) },
    );
  }
  let train!: Task__Output;
  for (const m of counted) train = await m.inbox.next('TASK_TYPE_TRAIN');
  return {
    federationId: f.id,
    members,
    holder,
    key,
    keyEpoch,
    spec,
    train,
    close: () => {
      for (const m of members) {
        m.inbox.close();
        m.client.close();
      }
      holder.dispose();
    },
  };
}
