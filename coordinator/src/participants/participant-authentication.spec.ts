import { generateSigningKeyPair, signEnvelope, subscribeDigest, type Envelope__Output } from '@syndicate/protocol';
import { AuditEvent } from '../audit/audit-event.entity';
import { createIntakeHarness, type IntakeHarness, type TestMember } from '../testing/intake-test-module';
import { EnvelopeAuthenticator } from './envelope-authenticator.service';
import { ParticipantsService } from './participants.service';

describe('EnvelopeAuthenticator (in-memory SQLite)', () => {
  let h: IntakeHarness;
  let bank: TestMember;
  let participants: EnvelopeAuthenticator;
  const expected = () => ({
    federationId: h.federationId,
    phase: 'PHASE_SUBSCRIBE' as const,
    payloadSha256: subscribeDigest(),
  });
  const subscribe = () => bank.sign({ phase: 'PHASE_SUBSCRIBE', payloadSha256: subscribeDigest() });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (err: { reason?: string }) => err.reason,
    );
  const rejections = async () =>
    (await h.db.getRepository(AuditEvent).find({ where: { action: 'message.rejected' } })).map(
      (e) => (JSON.parse(e.detail) as { reason: string }).reason,
    );

  beforeEach(async () => {
    h = await createIntakeHarness();
    bank = await h.member('bank-a');
    participants = h.module.get(EnvelopeAuthenticator);
  });
  afterEach(() => h.close());

  it('accepts an envelope signed by the enrolled key for the expected phase and payload', async () => {
    const p = await participants.authenticate(subscribe(), expected());
    expect(p.id).toBe(bank.participant.id);
    expect(await rejections()).toEqual([]);
  });

  it('refuses an envelope signed with another key, and audits it', async () => {
    const forger = generateSigningKeyPair();
    const forged = signEnvelope(
      {
        participantId: bank.participant.id,
        federationId: h.federationId,
        phase: 'PHASE_SUBSCRIBE',
        keyEpoch: 0,
        payloadSha256: subscribeDigest(),
      },
      forger.secretKey,
      { now: h.clock.now() },
    ) as unknown as Envelope__Output;
    expect(await refusal(participants.authenticate(forged, expected()))).toBe('ENVELOPE_BAD_SIGNATURE');
    expect(await rejections()).toEqual(['ENVELOPE_BAD_SIGNATURE']);
  });

  it('refuses a replayed nonce: the same signed message is accepted once', async () => {
    const env = subscribe();
    await participants.authenticate(env, expected());
    expect(await refusal(participants.authenticate(env, expected()))).toBe('ENVELOPE_REPLAYED');
    expect(await rejections()).toEqual(['ENVELOPE_REPLAYED']);
  });

  it('refuses a revoked member even with a valid signature', async () => {
    await h.module.get(ParticipantsService).revoke(h.federationId, bank.participant.id, 'spec');
    expect(await refusal(participants.authenticate(subscribe(), expected()))).toBe('PARTICIPANT_REVOKED');
    expect(await rejections()).toEqual(['PARTICIPANT_REVOKED']);
  });

  it('refuses an envelope signed for another phase', async () => {
    const env = bank.sign({ phase: 'PHASE_DOWNLOAD', payloadSha256: subscribeDigest() });
    expect(await refusal(participants.authenticate(env, expected()))).toBe('ENVELOPE_WRONG_PHASE');
  });
});
