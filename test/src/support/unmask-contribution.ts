import {
  flattenSlots,
  layoutOf,
  pairSeed,
  splitSlots,
  unmaskSum,
  unpack,
  type HeKeyHolder,
  type MaskSession,
} from '@syndicate/protocol';

/**
 * What a coordinator colluding with one member (it holds the epoch key) reads from one member's
 * masked upload once it has rebuilt BOTH of that member's secrets, its self-mask seed and its mask
 * key, from the two kinds of share: every self-mask and pair mask comes off, leaving its fields.
 */
export function unmaskContribution(
  holder: HeKeyHolder,
  session: MaskSession,
  upload: Buffer,
  victim: { participantId: string; selfSeed: Uint8Array; maskSecretKey: Uint8Array },
  peers: readonly { participantId: string; maskPublicKey: Uint8Array }[],
): Float64Array {
  const rt = holder.rt;
  const { slots, valueCount } = holder.decryptSlots(upload, 'update');
  const clear = unmaskSum(flattenSlots(slots), {
    session,
    modulus: rt.plainModulus,
    survivorSelfSeeds: [victim.selfSeed],
    // The pair masks the victim applied: unmaskSum takes off exactly sign(survivor, dropped) * mask.
    droppedPairs: peers.map((p) => ({
      survivorId: victim.participantId,
      droppedId: p.participantId,
      seed: pairSeed(session, victim, p),
    })),
  });
  return unpack(splitSlots(clear, rt.slotCount), valueCount, layoutOf(rt));
}
