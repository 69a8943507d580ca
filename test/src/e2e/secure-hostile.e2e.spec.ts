import {
  HE_HEADER_BYTES,
  describePayload,
  encodeSampleCount,
  encodeWeightedDelta,
  generateSigningKeyPair,
  seededRandom,
  payloadDigest,
  sha256,
  signContribution,
  signEnvelope,
  sumDigestKey,
  updateFieldCount,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawUpload } from '../support/raw-upload';
import { lightSecureRound, type LightMember, type LightSecureRound } from '../support/light-secure-round';

const planInput: TrainingPlanInput = {
  name: 'he-hostile',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 120 },
  aggregation: { mode: 'secure', secure: { clip: 1 } },
};
const NUM_PARAMS = 2;

type Member = LightMember;

/**
 * Light members over real gRPC play every role (dealer included) so the test can
 * craft hostile uploads; each refusal must name its reason and leave the
 * encrypted sum exactly the sum of the honest updates.
 */
describe(`secure aggregation refuses hostile input (${testDatabaseKind()})`, () => {
  let h: Harness;
  let r: LightSecureRound | undefined;
  afterAll(async () => {
    r?.close();
    await h?.stop();
  });

  it('rejects forged, replayed, revoked, wrong-epoch, wrong-parameter-set and garbage updates; the sum holds only honest ones', async () => {
    h = await startHarness('he-hostile');
    r = await lightSecureRound(h, planInput, [
      ['bank-a', 500],
      ['bank-b', 300],
      ['bank-c', 200],
      // A secure round needs 3 contributors: bank-d is the third honest one once bank-c is revoked.
      ['bank-d', 100],
    ]);
    const { members, holder, keyEpoch, spec } = r;
    const round = r.train;
    const f = { id: r.federationId };
    const [a, b, c, d] = members;
    await h.admin.revoke(f.id, c.identity.participantId);

    const rand = seededRandom(5);
    const fieldsA = encodeWeightedDelta([0.1, -0.2], 0.5, spec, rand).fields;
    const fieldsB = encodeWeightedDelta([-0.3, 0.05], 0.3, spec, rand).fields;
    const fieldsD = encodeWeightedDelta([0.2, 0.1], 0.1, spec, rand).fields;
    const goodA = holder.encrypt(fieldsA);
    const header = (
      m: Member,
      payload: Buffer,
      over: {
        keyEpoch?: number;
        signWith?: Uint8Array;
        phase?: 'PHASE_UPLOAD' | 'PHASE_COUNT';
        /** The contribution statement: the member's own by default, none, another member's, or another round's. */
        statement?: 'none' | { by: Member } | { roundId: string };
      } = {},
    ) => ({
      envelope: signEnvelope(
        {
          participantId: m.identity.participantId,
          federationId: f.id,
          roundId: round.roundId,
          phase: over.phase ?? 'PHASE_UPLOAD',
          keyEpoch: over.keyEpoch ?? keyEpoch,
          payloadSha256: sha256(payload),
        },
        over.signWith ?? m.identity.signingSecretKey,
      ),
      baseModelVersionId: round.modelVersionId,
      payload: describePayload(payload, 'PAYLOAD_ENCODING_BFV_PACKED', NUM_PARAMS),
      numSamples: '0',
      kind: over.phase === 'PHASE_COUNT' ? ('UPDATE_KIND_SAMPLE_COUNT' as const) : ('UPDATE_KIND_MODEL' as const),
      ...statementOf(m, payload, over.phase === 'PHASE_COUNT' ? 'count' : 'model', over.statement),
    });
    // Garbage cannot be digested; its statement signs a zero digest (the coordinator checks the signature only).
    const digestOf = (payload: Buffer, roundId: string, kind: 'model' | 'count') => {
      try {
        return payloadDigest(
          holder.rt,
          payload,
          sumDigestKey(r!.key.epochSecret, { federationId: f.id, roundId, kind, keyEpoch }),
        );
      } catch {
        return Buffer.alloc(8);
      }
    };
    const statementOf = (
      m: Member,
      payload: Buffer,
      kind: 'model' | 'count',
      how: NonNullable<Parameters<typeof header>[2]>['statement'],
    ) => {
      if (how === 'none') return {};
      const signer = how && 'by' in how ? how.by : m;
      const roundId = how && 'roundId' in how ? how.roundId : round.roundId;
      const s = signContribution(
        {
          federationId: f.id,
          roundId,
          kind,
          keyEpoch,
          participantId: m.identity.participantId,
          ciphertextSha256: sha256(payload),
          digest: digestOf(payload, roundId, kind),
        },
        signer.identity.signingSecretKey,
      );
      return { contributionSignature: Buffer.from(s.signature), contributionDigest: Buffer.from(s.digest) };
    };
    const edited = (edit: (b: Buffer) => void) => {
      const copy = Buffer.from(goodA);
      edit(copy);
      return copy;
    };
    const up = (m: Member, payload: Buffer, over?: Parameters<typeof header>[2]) =>
      rawUpload(h, header(m, payload, over), payload);

    expect(await up(c, holder.encrypt(fieldsB))).toBe('PARTICIPANT_REVOKED');
    // Secure contributions carry their sender's statement; none, another member's, or another round's is refused.
    expect(await up(a, goodA, { statement: 'none' })).toBe('BAD_CONTRIBUTION_SIGNATURE');
    expect(await up(a, goodA, { statement: { by: b } })).toBe('BAD_CONTRIBUTION_SIGNATURE');
    expect(await up(a, goodA, { statement: { roundId: 'rnd_other' } })).toBe('BAD_CONTRIBUTION_SIGNATURE');
    expect(
      await up(
        a,
        edited((x) => x.fill(7, HE_HEADER_BYTES + 16)),
      ),
    ).toBe('UPDATE_BAD_CIPHERTEXT');
    expect(await up(a, goodA.subarray(0, goodA.length - 100))).toBe('UPDATE_BAD_LENGTH');
    expect(
      await up(
        a,
        edited((x) => x.writeUInt32LE(keyEpoch + 1, 8)),
      ),
    ).toBe('UPDATE_KEY_EPOCH_MISMATCH');
    expect(
      await up(
        a,
        edited((x) => x.writeUInt8(9, 5)),
      ),
    ).toBe('UPDATE_PARAMETER_SET_MISMATCH');
    expect(await up(a, goodA, { keyEpoch: keyEpoch + 1 })).toBe('ENVELOPE_WRONG_KEY_EPOCH');
    expect(await up(a, goodA, { signWith: generateSigningKeyPair().secretKey })).toBe('ENVELOPE_BAD_SIGNATURE');
    expect(await up(a, holder.encrypt(encodeSampleCount(1, spec)), { phase: 'PHASE_COUNT' })).toBe(
      'ROUND_NOT_COUNTING',
    );

    const honest = header(a, goodA);
    expect(await rawUpload(h, honest, goodA)).toBe('OK');
    expect(await rawUpload(h, honest, goodA)).toBe('ENVELOPE_REPLAYED');
    expect(await up(a, goodA)).toBe('DUPLICATE_UPDATE');
    expect(await up(b, holder.encrypt(fieldsB))).toBe('OK');
    expect(await up(d, holder.encrypt(fieldsD))).toBe('OK');

    // Every honest update in: the round closes (the revoked member is not awaited).
    const apply = await Promise.any([a.inbox.next('TASK_TYPE_APPLY'), b.inbox.next('TASK_TYPE_APPLY')]);
    expect(apply.roundId).toBe(round.roundId);
    const sum = await a.client.downloadAggregate(round.roundId, 'model');
    expect(sum.contributors).toBe(3);
    const decrypted = holder.decrypt(sum.data);
    expect(decrypted).toHaveLength(updateFieldCount(spec, NUM_PARAMS));
    expect(Array.from(decrypted)).toEqual(Array.from(fieldsA, (x, i) => x + fieldsB[i] + fieldsD[i]));
    expect((await h.admin.round(round.roundId)).state).toBe('aggregating');

    // Every refusal and acceptance left an audit record with its reason, in an intact chain.
    const audit = await h.admin.audit({ federationId: f.id });
    const reasons = (action: string) =>
      audit.filter((e) => e.action === action).map((e) => (JSON.parse(e.detail) as { reason?: string }).reason);
    expect(reasons('update.rejected').sort()).toEqual(
      [
        'BAD_CONTRIBUTION_SIGNATURE',
        'BAD_CONTRIBUTION_SIGNATURE',
        'BAD_CONTRIBUTION_SIGNATURE',
        'DUPLICATE_UPDATE',
        'ROUND_NOT_COUNTING',
        'UPDATE_BAD_CIPHERTEXT',
        'UPDATE_BAD_LENGTH',
        'UPDATE_KEY_EPOCH_MISMATCH',
        'UPDATE_PARAMETER_SET_MISMATCH',
      ].sort(),
    );
    expect(reasons('message.rejected').sort()).toEqual(
      ['ENVELOPE_BAD_SIGNATURE', 'ENVELOPE_REPLAYED', 'ENVELOPE_WRONG_KEY_EPOCH', 'PARTICIPANT_REVOKED'].sort(),
    );
    expect(audit.filter((e) => e.action === 'update.accepted')).toHaveLength(7); // 4 counts + 3 updates
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'participant.enrolled',
        'key_epoch.started',
        'key_epoch.ready',
        'participant.revoked',
        'round.counting',
        'round.collecting',
        'round.aggregating',
      ]),
    );
    expect(await h.admin.verifyAudit()).toMatchObject({ ok: true });
  });
});
