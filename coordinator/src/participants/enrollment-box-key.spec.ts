import { boxKeySignatureValid, generateBoxKeyPair, generateSigningKeyPair, signBoxKey } from '@syndicate/protocol';
import { createIntakeHarness, type IntakeHarness } from '../testing/intake-test-module';
import { MemberDirectoryService } from './member-directory.service';
import { Participant } from './participant.entity';
import { ParticipantsService } from './participants.service';

describe('enrollment binds the box key to the signing key (in-memory SQLite)', () => {
  let h: IntakeHarness;
  beforeEach(async () => (h = await createIntakeHarness()));
  afterEach(() => h.close());

  async function enrollSignedBy(signer: 'self' | 'another key' | 'nobody'): Promise<string> {
    const participants = h.module.get(ParticipantsService);
    const invitation = await participants.invite(h.federationId, `bank-${signer.replace(' ', '-')}`, 'spec');
    const signing = generateSigningKeyPair();
    const boxPublicKey = generateBoxKeyPair().publicKey;
    const card = { signPublicKey: signing.publicKey, boxPublicKey };
    const boxKeySignature =
      signer === 'self'
        ? signBoxKey(card, signing.secretKey)
        : signer === 'another key'
          ? signBoxKey(card, generateSigningKeyPair().secretKey)
          : new Uint8Array(0);
    return participants
      .enroll({
        federationId: h.federationId,
        token: invitation.token,
        ...card,
        signingPublicKey: signing.publicKey,
        boxKeySignature,
      })
      .then(
        (p) => p.id,
        (err: { reason?: string }) => `refused ${err.reason}`,
      );
  }

  it('positive control: a self-signed box key enrolls, and other members can check the signature', async () => {
    const id = await enrollSignedBy('self');
    expect(id).not.toMatch(/^refused/);
    const card = (await h.module.get(MemberDirectoryService).cards(h.federationId)).find(
      (c) => c.participantId === id,
    )!;
    expect(boxKeySignatureValid(card)).toBe(true);
  });

  it('refuses a box key signed by another key (a relay swapping keys) or not signed at all', async () => {
    const before = await h.db.getRepository(Participant).count();
    expect(await enrollSignedBy('another key')).toBe('refused BAD_BOX_KEY_SIGNATURE');
    expect(await enrollSignedBy('nobody')).toBe('refused BAD_BOX_KEY_SIGNATURE');
    expect(await h.db.getRepository(Participant).count()).toBe(before);
  });
});
