import {
  agentTrust,
  KeyRing,
  MaskMemory,
  MemberMasking,
  SecureSums,
  type CoordinatorClient,
  type MemberTrust,
} from '@syndicate/participant';
import {
  HeKeyHolder,
  identityFingerprint,
  parseTrainingPlan,
  planSecureSpec,
  type ContributionKind,
  type FederationKey,
  type SecureAggregationSpec,
  type Task__Output,
  type TrainingPlan,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import type { Harness } from './coordinator-harness';
import { enrolledClient } from './light-agent';
import type { LightMember } from './light-secure-round';
import { TaskInbox } from './task-inbox';
import { dealFirstEpoch } from './test-dealer';

type Download = Awaited<ReturnType<CoordinatorClient['downloadAggregate']>>;

/** A bank running the agent library's own trust, key ring, masking and sum gate, without TensorFlow. */
export interface MaskedMember extends LightMember {
  trust: MemberTrust;
  keys: KeyRing;
  sums: SecureSums;
  /** Reasons this member reported to the coordinator, in order (each is audited as agent.refused). */
  refusals: string[];
  /** A lying relay in front of this member: when set, its downloads come from here, not the coordinator. */
  relay: { download?: (roundId: string, kind: ContributionKind) => Promise<Download> };
}

export interface MaskedLightRound {
  federationId: string;
  members: MaskedMember[];
  /** The epoch key (the test dealt it): with it the test plays the coordinator and a colluding member. */
  key: FederationKey;
  holder: HeKeyHolder;
  spec: SecureAggregationSpec;
  plan: TrainingPlan;
  close(): void;
}

/**
 * A federation whose plan masks its secure sums, with light members that pin each other out of
 * band and run the agent library's masking over real gRPC. The test deals the first key epoch as an
 * honest member would; round 1 is open and its count tasks are on their way.
 */
export async function maskedLightRound(
  h: Harness,
  planInput: TrainingPlanInput,
  banks: [name: string, numSamples: number][],
  opts: { checkSumDigest?: (name: string) => boolean } = {},
): Promise<MaskedLightRound> {
  const plan = parseTrainingPlan(planInput);
  if (!plan.aggregation.secure.masking.enabled) throw new Error('maskedLightRound needs a plan that masks');
  const f = await h.admin.createFederation(planInput);
  const enrolled = [];
  for (const [name, n] of banks) {
    const m = await enrolledClient(h, f.id, name);
    enrolled.push({ ...m, inbox: new TaskInbox(m.client), n, name });
  }
  const pins = enrolled.map((m) => ({
    name: m.identity.participantId,
    fingerprint: identityFingerprint(m.identity.signingPublicKey),
  }));
  const members = enrolled.map((m): MaskedMember => {
    const refusals: string[] = [];
    const relay: MaskedMember['relay'] = {};
    const reportRefusal = (reason: string, detail: string, roundId?: string, keyEpoch?: number) => {
      refusals.push(reason);
      return m.client.reportRefusal(reason, detail, roundId, keyEpoch);
    };
    const policy = {
      pinned: pins.filter((p) => p.name !== m.identity.participantId),
      endorsementsRequired: 2,
      minContributors: 3,
      checkSumDigest: opts.checkSumDigest?.(m.name) ?? true,
    };
    const trust = agentTrust(m.identity, m.client, () => policy);
    const keys = new KeyRing(m.identity, m.client, trust);
    const masking = new MemberMasking(
      m.identity,
      { mask: (c) => m.client.mask(c), reportRefusal },
      trust,
      plan.aggregation.secure.masking,
      new MaskMemory(),
    );
    const client = {
      uploadUpdate: m.client.uploadUpdate.bind(m.client),
      downloadAggregate: (roundId: string, kind: ContributionKind) =>
        relay.download ? relay.download(roundId, kind) : m.client.downloadAggregate(roundId, kind),
      reportRefusal,
    };
    const sums = new SecureSums(
      m.identity,
      client,
      keys,
      trust,
      () => 3,
      masking,
      () => policy.checkSumDigest,
    );
    return { ...m, trust, keys, sums, refusals, relay };
  });
  await new Promise((r) => setTimeout(r, 300));
  await h.admin.openRound(f.id);
  const { key, holder } = await dealFirstEpoch(members, plan.aggregation.secure.parameterSet);
  return {
    federationId: f.id,
    members,
    key,
    holder,
    spec: planSecureSpec(plan),
    plan,
    close: () => {
      for (const m of members) {
        m.keys.dispose();
        m.inbox.close();
        m.client.close();
      }
      holder.dispose();
    },
  };
}

/** The next task of this type for every member (of this round, when given: re-offers of older rounds are skipped), by member name. */
export async function tasksFor(
  members: MaskedMember[],
  type: Task__Output['type'],
  roundId?: string,
): Promise<Map<string, Task__Output>> {
  const next = async (m: MaskedMember): Promise<Task__Output> => {
    for (;;) {
      const t = await m.inbox.next(type);
      if (!roundId || t.roundId === roundId) return t;
    }
  };
  return new Map(await Promise.all(members.map(async (m) => [m.name, await next(m)] as const)));
}

/**
 * Every member advertises its mask keys for the sum, then masks, encrypts, signs and uploads its
 * fields exactly as the agent does. Returns each member's upload: a coordinator keeps them.
 */
export async function maskedUploads(
  members: MaskedMember[],
  tasks: Map<string, Task__Output>,
  kind: ContributionKind,
  fieldsOf: (m: MaskedMember) => ArrayLike<number>,
  numParams = 0,
): Promise<Map<string, Buffer>> {
  await Promise.all(members.map((m) => m.sums.prepare(tasks.get(m.name)!, kind)));
  const uploads = new Map<string, Buffer>();
  await Promise.all(
    members.map(async (m) => {
      const task = tasks.get(m.name)!;
      const payload = await m.sums.seal(task, kind, fieldsOf(m));
      uploads.set(m.name, payload);
      await m.sums.upload({ task, kind, encoding: 'PAYLOAD_ENCODING_BFV_PACKED', numParams, payload });
    }),
  );
  return uploads;
}

/** A member downloads a sum through its gate and opens it (signs the survivors, reveals, unmasks), as the agent does. */
export async function openSum(m: MaskedMember, task: Task__Output, kind: ContributionKind): Promise<Float64Array> {
  const at = { roundId: task.roundId, kind, keyEpoch: task.keyEpoch };
  const sum = await m.sums.download({ ...at, secure: true, contributed: true, task });
  return sum.open();
}
