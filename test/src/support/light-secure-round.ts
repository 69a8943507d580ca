import {
  HeKeyHolder,
  encodeFeatureStats,
  encodeSampleCount,
  type FeatureMoments,
  parseTrainingPlan,
  planSecureSpec,
  type FederationKey,
  type SecureAggregationSpec,
  type Task__Output,
  type TrainingPlanInput,
  type ContributionKind,
} from '@syndicate/protocol';
import type { Harness } from './coordinator-harness';
import { enrolledClient } from './light-agent';
import { maskAll, type LightMasking } from './light-masking';
import { TaskInbox } from './task-inbox';
import { uploadSigned } from './signed-contribution';
import { dealFirstEpoch } from './test-dealer';

export type LightMember = Awaited<ReturnType<typeof enrolledClient>> & {
  inbox: TaskInbox;
  n: number;
  name: string;
  /** Set when the plan masks its secure sums: the SDK's masking, run by this member. */
  masking?: LightMasking;
};

type At = { roundId: string; keyEpoch: number };

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
  /** Whether the plan masks secure sums (then every member's contributions go through its masking). */
  masked: boolean;
  /**
   * A member's fields for one sum, encrypted; masked when the plan says, after every one of
   * `advertisers` (default: the members counted) advertised its keys for the sum, as agents do when a task starts.
   */
  seal(
    m: LightMember,
    at: At,
    kind: ContributionKind,
    fields: ArrayLike<number>,
    advertisers?: LightMember[],
  ): Promise<Buffer>;
  /** Each of `members` decrypts the sum, and, when masked, removes the masks with the others at once. */
  open(members: LightMember[], at: At, kind: ContributionKind, payload: Uint8Array): Promise<Float64Array[]>;
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
  const { key, holder } = await dealFirstEpoch(members, plan.aggregation.secure.parameterSet);
  const keyEpoch = key.keyEpoch;
  const spec = planSecureSpec(plan);
  const abstain = new Set(opts.abstain ?? []);
  const counted = members.filter((m) => !abstain.has(m.name));
  const masked = plan.aggregation.secure.masking.enabled;
  if (masked) maskAll(members, plan.aggregation.secure.masking);
  const seal: LightSecureRound['seal'] = async (m, at, kind, fields, advertisers = counted) => {
    if (!m.masking) return holder.encrypt(fields);
    for (const a of advertisers) await a.masking!.prepare(at, kind);
    return m.masking.seal(at, kind, holder, fields);
  };
  const open: LightSecureRound['open'] = (who, at, kind, payload) =>
    Promise.all(
      who.map((m) =>
        m.masking ? m.masking.open(at, kind, holder, payload) : Promise.resolve(holder.decrypt(payload)),
      ),
    );
  const counts = new Map<LightMember, Task__Output>();
  for (const m of members) counts.set(m, await m.inbox.next('TASK_TYPE_COUNT'));
  const withStats = counted.filter((m) => opts.stats?.(m.name, m.n));
  for (const m of counted) {
    const count = counts.get(m)!;
    const moments = opts.stats?.(m.name, m.n);
    const at = { roundId: count.roundId, baseModelVersionId: count.modelVersionId };
    const sealing = { roundId: count.roundId, keyEpoch };
    if (moments)
      await uploadSigned(
        m,
        { key, holder },
        {
          ...at,
          kind: 'stats',
          payload: await seal(m, sealing, 'stats', encodeFeatureStats(moments, spec), withStats),
        },
      );
    await uploadSigned(
      m,
      { key, holder },
      { ...at, kind: 'count', payload: await seal(m, sealing, 'count', encodeSampleCount(m.n, spec)) },
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
    masked,
    seal,
    open,
    close: () => {
      for (const m of members) {
        m.inbox.close();
        m.client.close();
      }
      holder.dispose();
    },
  };
}
