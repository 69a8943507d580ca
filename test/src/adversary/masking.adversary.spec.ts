import { TrustRefusal } from '@syndicate/participant';
import {
  decodeAggregate,
  encodeSampleCount,
  encodeWeightedDelta,
  openShares,
  rebuildMaskKey,
  rebuildSelfSeed,
  seededRandom,
  type MaskSession,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { waitFor } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import {
  maskedLightRound,
  maskedUploads,
  openSum,
  tasksFor,
  type MaskedLightRound,
  type MaskedMember,
} from '../support/masked-light-round';
import { rawQuery } from '../support/raw-db';
import { unmaskContribution } from '../support/unmask-contribution';

const planInput: TrainingPlanInput = {
  name: 'adversary-masking',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 300 },
  aggregation: { mode: 'secure', secure: { clip: 1, masking: { enabled: true } } },
};
const BANKS: [string, number][] = [
  ['bank-a', 500],
  ['bank-b', 300],
  ['bank-c', 200],
  ['bank-d', 100],
];
const DELTAS = [
  [0.1, -0.2],
  [0.3, 0.1],
  [-0.1, 0.05],
  [0.2, 0.2],
];
/** Stored bytes, as a plain Uint8Array (the Shamir library refuses Buffers from another realm under Jest). */
const b64 = (s: unknown) => new Uint8Array(Buffer.from(String(s), 'base64'));

/**
 * A coordinator that lies in the masking protocol: the test rewrites the survivor set the
 * coordinator's database shows, between members or after they revealed, while four banks run the
 * agent library's masking (pins, signed survivor sets, one kind of share per peer) over real gRPC.
 * With 4 members the threshold is 3. The lie's aim: bank-d's mask-key shares (it "dropped") on top
 * of its self-mask shares (it survived), which together unmask bank-d's own update.
 */
describe(`a member reveals no share a lying coordinator could unmask anyone with (${testDatabaseKind()})`, () => {
  let h: Harness;
  let r: MaskedLightRound;
  let train: Map<string, Task__Output>;
  let modelUploads: Map<string, Buffer>;
  const fieldsOf = new Map<string, Uint32Array>();
  let ids: string[];
  let d: MaskedMember;

  beforeAll(async () => {
    h = await startHarness('adversary-masking');
    r = await maskedLightRound(h, planInput, BANKS);
    ids = r.members.map((m) => m.identity.participantId).sort();
    d = r.members[3];
    const counts = await tasksFor(r.members, 'TASK_TYPE_COUNT');
    await maskedUploads(r.members, counts, 'count', (m) => encodeSampleCount(m.n, r.spec));
    train = await tasksFor(r.members, 'TASK_TYPE_TRAIN');
  }, 120_000);
  afterAll(async () => {
    r?.close();
    await h?.stop();
  });

  const roundId = () => train.get('bank-a')!.roundId;
  const session = (kind: 'count' | 'model'): MaskSession => ({
    federationId: r.federationId,
    roundId: roundId(),
    keyEpoch: 1,
    kind,
  });
  const setSurvivors = (kind: string, survivors: string[]) =>
    rawQuery(h.databaseUrl, 'UPDATE "mask_sessions" SET "survivorsJson" = ? WHERE "id" = ?', [
      JSON.stringify([...survivors].sort()),
      `${roundId()}:${kind}`,
    ]);
  const messages = (kind: string, type: string) =>
    rawQuery(
      h.databaseUrl,
      'SELECT "fromId", "toId", "body" FROM "mask_messages" WHERE "sessionId" = ? AND "type" = ?',
      [`${roundId()}:${kind}`, type],
    );
  const open = (m: MaskedMember, kind: 'count' | 'model') =>
    openSum(m, train.get(m.name)!, kind).then(
      () => 'opened',
      (e: unknown) => (e instanceof TrustRefusal ? e.reason : String(e)),
    );
  /** The members whose refusal with this reason reached the coordinator's audit log. */
  const audited = (reason: string, atLeast: number) =>
    waitFor(`${atLeast} agent.refused ${reason} entries`, async () => {
      const actors = (await h.admin.audit({ federationId: r.federationId }))
        .filter((e) => e.action === 'agent.refused' && (JSON.parse(e.detail) as { reason: string }).reason === reason)
        .map((e) => e.actor);
      return actors.length >= atLeast && [...new Set(actors)].sort();
    });
  const withoutD = () => ids.filter((id) => id !== d.identity.participantId);

  it('SURVIVOR_SET_MISMATCH: bank-a is told bank-d dropped, the others that everyone survived; nobody reveals a share', async () => {
    const [a, ...others] = r.members;
    await setSurvivors('count', withoutD());
    const aOpens = open(a, 'count');
    // bank-a has signed its story before the others are told theirs.
    await waitFor('bank-a to sign its survivor set', async () =>
      (await messages('count', 'signature')).some((m) => m.fromId === a.identity.participantId),
    );
    await setSurvivors('count', ids);
    const verdicts = await Promise.all([aOpens, ...others.map((m) => open(m, 'count'))]);
    // Each sees a survivor's signature over the other story: the coordinator told members different sets.
    expect(verdicts).toEqual(r.members.map(() => 'SURVIVOR_SET_MISMATCH'));
    for (const m of r.members) expect(m.refusals).toEqual(['SURVIVOR_SET_MISMATCH']);
    expect(await messages('count', 'reveal')).toEqual([]);
    expect(await audited('SURVIVOR_SET_MISMATCH', 4)).toEqual(ids);
  });

  it('positive control: told one story, the same members open the exact model sum, and their reveals show', async () => {
    modelUploads = await maskedUploads(
      r.members,
      train,
      'model',
      (m) => {
        const i = r.members.indexOf(m);
        const f = encodeWeightedDelta(DELTAS[i], m.n / 1100, r.spec, seededRandom(20 + i)).fields;
        fieldsOf.set(m.name, f);
        return f;
      },
      2,
    );
    await tasksFor(r.members, 'TASK_TYPE_APPLY');
    const opened = await Promise.all(r.members.map((m) => openSum(m, train.get(m.name)!, 'model')));
    const expected = [0, 1].map((j) => DELTAS.reduce((s, dl, i) => s + (dl[j] * BANKS[i][1]) / 1100, 0));
    for (const fields of opened) {
      const agg = decodeAggregate(fields, 2, 4, r.spec);
      expect(agg.totalWeight).toBeCloseTo(1, 3);
      for (const j of [0, 1]) expect(Math.abs(agg.delta[j] - expected[j])).toBeLessThanOrEqual(agg.errorBound + 1e-9);
    }
    // The query that found no reveal above finds every survivor's self-mask share here.
    const reveals = await messages('model', 'reveal');
    expect(reveals).toHaveLength(16);
    expect(reveals.every((m) => (JSON.parse(String(m.body)) as { kind: string }).kind === 'self-mask')).toBe(true);
  });

  it('MASK_BOTH_SHARES_REQUESTED: after the reveal, bank-d is said to have dropped; bank-a refuses its mask-key share', async () => {
    const a = r.members[0];
    const dId = d.identity.participantId;
    await setSurvivors('model', withoutD());
    expect(await open(a, 'model')).toBe('MASK_BOTH_SHARES_REQUESTED');
    expect(a.refusals.at(-1)).toBe('MASK_BOTH_SHARES_REQUESTED');
    expect(await audited('MASK_BOTH_SHARES_REQUESTED', 1)).toEqual([a.identity.participantId]);

    const s = session('model');
    const adverts = new Map((await messages('model', 'advert')).map((m) => [String(m.fromId), String(m.body)]));
    const advert = (id: string) => {
      const body = JSON.parse(adverts.get(id)!) as Record<string, string>;
      return { maskPublicKey: b64(body.maskPublicKey), selfSeedCommitment: b64(body.selfSeedCommitment) };
    };
    const reveals = await messages('model', 'reveal');
    const revealed = (kind: string) =>
      reveals
        .map((m) => ({ peer: m.toId, ...(JSON.parse(String(m.body)) as { kind: string; share: string }) }))
        .filter((x) => x.peer === dId && x.kind === kind)
        .map((x) => b64(x.share));
    const selfSeed = await rebuildSelfSeed({
      session: s,
      participantId: dId,
      shares: revealed('self-mask'),
      threshold: 3,
      commitment: advert(dId).selfSeedCommitment,
    });
    // What the coordinator holds: bank-d's self-mask seed, and not one share of its mask key.
    const keyFrom = (shares: Uint8Array[]) =>
      rebuildMaskKey({
        session: s,
        participantId: dId,
        shares,
        threshold: 3,
        maskPublicKey: advert(dId).maskPublicKey,
      });
    await expect(keyFrom(revealed('mask-key'))).rejects.toThrow(/0 shares revealed, 3 needed/);

    // Positive control: had bank-a, bank-b and bank-c each revealed the mask-key share bank-d sealed
    // to it, bank-d's own update would read in the clear.
    const sealed = await messages('model', 'shares');
    const keyShares = r.members.slice(0, 3).map((m) => {
      const row = sealed.find((x) => x.fromId === dId && x.toId === m.identity.participantId)!;
      return openShares({
        session: s,
        selfId: m.identity.participantId,
        sealed: {
          from: dId,
          to: m.identity.participantId,
          box: b64((JSON.parse(String(row.body)) as { box: string }).box),
        },
        senderBoxPublicKey: d.identity.boxPublicKey,
        recipientBoxSecretKey: m.identity.boxSecretKey,
      }).keyShare;
    });
    const maskSecretKey = await keyFrom(keyShares);
    const peers = withoutD().map((id) => ({ participantId: id, maskPublicKey: advert(id).maskPublicKey }));
    const clear = unmaskContribution(
      r.holder,
      s,
      modelUploads.get(d.name)!,
      { participantId: dId, selfSeed, maskSecretKey },
      peers,
    );
    expect(Array.from(clear)).toEqual(Array.from(fieldsOf.get(d.name)!));
  });
});
