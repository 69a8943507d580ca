import nacl from 'tweetnacl';
import { selfSeedCommitment } from './mask-key-advert';
import type { MaskSession } from './mask-session';
import { newMaskKeyPair } from './pair-seeds';
import { dealShares, openShares, rebuildMaskKey, rebuildSelfSeed, type SealedShares } from './seed-shares';

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'stats' };
const ids = ['bank-a', 'bank-b', 'bank-c', 'bank-d', 'bank-e'];
const box = new Map(ids.map((id) => [id, nacl.box.keyPair()]));
const holders = ids.map((participantId) => ({ participantId, boxPublicKey: box.get(participantId)!.publicKey }));

async function dealt() {
  const mask = newMaskKeyPair();
  const secrets = { selfSeed: nacl.randomBytes(32), maskSecretKey: mask.secretKey };
  const sealed = await dealShares({
    session,
    selfId: 'bank-a',
    secrets,
    threshold: 3,
    holders,
    senderBoxSecretKey: box.get('bank-a')!.secretKey,
  });
  const open = (s: SealedShares, o: Partial<Parameters<typeof openShares>[0]> = {}) =>
    openShares({
      session,
      selfId: s.to,
      sealed: s,
      senderBoxPublicKey: box.get('bank-a')!.publicKey,
      recipientBoxSecretKey: box.get(s.to)!.secretKey,
      ...o,
    });
  return { secrets, mask, sealed, open };
}

describe('seed shares', () => {
  it('any 3 of 5 holders rebuild both secrets, each checked against what the dealer advertised', async () => {
    const { secrets, mask, sealed, open } = await dealt();
    expect(sealed.map((s) => s.to)).toEqual(ids);
    const opened = sealed.map((s) => open(s));
    const commitment = selfSeedCommitment(session, 'bank-a', secrets.selfSeed);
    for (const pick of [
      [0, 1, 2],
      [2, 3, 4],
      [0, 2, 4],
    ]) {
      const seed = await rebuildSelfSeed({
        session,
        participantId: 'bank-a',
        shares: pick.map((i) => opened[i].selfShare),
        threshold: 3,
        commitment,
      });
      expect(Buffer.from(seed).equals(Buffer.from(secrets.selfSeed))).toBe(true);
      const key = await rebuildMaskKey({
        session,
        participantId: 'bank-a',
        shares: pick.map((i) => opened[i].keyShare),
        threshold: 3,
        maskPublicKey: mask.publicKey,
      });
      expect(Buffer.from(key).equals(Buffer.from(mask.secretKey))).toBe(true);
    }
  });

  it('refuses fewer shares than the threshold, and shares that rebuild something else', async () => {
    const { secrets, sealed, open } = await dealt();
    const opened = sealed.map((s) => open(s));
    const commitment = selfSeedCommitment(session, 'bank-a', secrets.selfSeed);
    const base = { session, participantId: 'bank-a', threshold: 3, commitment };
    await expect(rebuildSelfSeed({ ...base, shares: opened.slice(0, 2).map((o) => o.selfShare) })).rejects.toThrow(
      /2 shares revealed, 3 needed/,
    );
    // A key share passed off as a seed share (or one corrupted share) rebuilds the wrong secret.
    const mixed = [opened[0].selfShare, opened[1].selfShare, opened[2].keyShare];
    await expect(rebuildSelfSeed({ ...base, shares: mixed })).rejects.toThrow(
      /does not match its advertised commitment/,
    );
    await expect(
      rebuildMaskKey({
        session,
        participantId: 'bank-a',
        threshold: 3,
        maskPublicKey: newMaskKeyPair().publicKey,
        shares: opened.slice(0, 3).map((o) => o.keyShare),
      }),
    ).rejects.toThrow(/does not match its advertised public key/);
  });

  it('a box opens only for its recipient, from its sender, in its session', async () => {
    const { sealed, open } = await dealt();
    const toB = sealed[1];
    expect(() => open(toB, { selfId: 'bank-c' })).toThrow(/addressed to bank-b, not this member/);
    expect(() => open(toB, { recipientBoxSecretKey: box.get('bank-c')!.secretKey })).toThrow(/do not open/);
    expect(() => open(toB, { senderBoxPublicKey: box.get('bank-e')!.publicKey })).toThrow(/do not open/);
    expect(() => open(toB, { session: { ...session, roundId: 'round-2' } })).toThrow(/do not open .* another session/);
    // Relabelled by the coordinator as coming from someone else: the context no longer matches.
    expect(() => open({ ...toB, from: 'bank-e' })).toThrow(/do not open/);
  });

  it('refuses a threshold outside 2..holders', async () => {
    const secrets = { selfSeed: nacl.randomBytes(32), maskSecretKey: nacl.randomBytes(32) };
    const o = { session, selfId: 'bank-a', secrets, holders, senderBoxSecretKey: box.get('bank-a')!.secretKey };
    await expect(dealShares({ ...o, threshold: 6 })).rejects.toThrow(/threshold 6 must be between 2 and the 5/);
  });
});
