import {
  droppedPairSeeds,
  rebuildMaskKey,
  rebuildSelfSeed,
  type MaskRemoval,
  type MaskSession,
  type MaskSessionView__Output,
  type ShareKind,
} from '@syndicate/protocol';

/** A member's advertised keys for one masked sum, after its signature was checked against its pinned key. */
export interface Advert {
  participantId: string;
  maskPublicKey: Uint8Array;
  selfSeedCommitment: Uint8Array;
}

/** Whether the threshold of distinct survivors revealed each survivor's self-mask share and each dropped member's mask-key share. */
export function enoughShares(
  v: MaskSessionView__Output,
  survivors: string[],
  dropped: Advert[],
  threshold: number,
): boolean {
  const count = (peerId: string, kind: ShareKind) =>
    new Set(v.reveals.filter((r) => r.peerId === peerId && r.kind === kind).map((r) => r.revealer)).size;
  return (
    survivors.every((id) => count(id, 'self-mask') >= threshold) &&
    dropped.every((d) => count(d.participantId, 'mask-key') >= threshold)
  );
}

/**
 * What comes off the decrypted sum: each survivor's self-mask seed and the pair masks survivors
 * shared with dropped members, rebuilt from the revealed shares and checked against what each
 * member advertised (a wrong share fails the commitment, not silently the sum).
 */
export async function maskRemoval(
  session: MaskSession,
  view: MaskSessionView__Output,
  survivors: string[],
  adverts: Advert[],
  dropped: Advert[],
  threshold: number,
): Promise<Omit<MaskRemoval, 'modulus'>> {
  const sharesOf = (peerId: string, kind: ShareKind) =>
    view.reveals.filter((r) => r.peerId === peerId && r.kind === kind).map((r) => new Uint8Array(r.share));
  const survivorSelfSeeds = await Promise.all(
    survivors.map((id) =>
      rebuildSelfSeed({
        session,
        participantId: id,
        shares: sharesOf(id, 'self-mask'),
        threshold,
        commitment: adverts.find((a) => a.participantId === id)!.selfSeedCommitment,
      }),
    ),
  );
  const droppedKeys = await Promise.all(
    dropped.map(async (d) => ({
      participantId: d.participantId,
      maskSecretKey: await rebuildMaskKey({
        session,
        participantId: d.participantId,
        shares: sharesOf(d.participantId, 'mask-key'),
        threshold,
        maskPublicKey: d.maskPublicKey,
      }),
    })),
  );
  const survivorKeys = adverts.filter((a) => survivors.includes(a.participantId));
  return { session, survivorSelfSeeds, droppedPairs: droppedPairSeeds(session, droppedKeys, survivorKeys) };
}
