import { checkModulus, MASK_STRETCH, maskStream, type MaskPurpose } from './mask-prg';
import { pairSign } from './pair-seeds';
import type { MaskSession } from './mask-session';

/** One pairwise mask as the member that applied it sees it: the peer and their shared seed. */
export interface PairSeed {
  peerId: string;
  seed: Uint8Array;
}

export interface MaskingInputs {
  session: MaskSession;
  /** BFV plain modulus t: masks are uniform below it and every addition wraps at it. */
  modulus: number;
  selfId: string;
  selfSeed: Uint8Array;
  /** The member's neighbours in the session's graph (every other member on the complete graph). */
  pairs: readonly PairSeed[];
}

/** What the members who decrypt the sum must take off it once the survivors' shares are in. */
export interface MaskRemoval {
  session: MaskSession;
  modulus: number;
  /** Self-mask seeds of every member whose masked vector is in the sum, reconstructed from shares. */
  survivorSelfSeeds: readonly Uint8Array[];
  /** For each survivor and each dropped neighbour: the pair seed, rebuilt from the dropped member's revealed mask key. */
  droppedPairs: readonly { survivorId: string; droppedId: string; seed: Uint8Array }[];
}

function checkSlots(slots: Uint32Array, modulus: number): void {
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] >= modulus) throw new RangeError(`slot ${i} = ${slots[i]} is not below the plain modulus ${modulus}`);
  }
}

/**
 * acc = acc + sign * PRG(seed) mod t, a stretch at a time through one reused scratch stretch, so
 * each pass over the vector stays in cache.
 */
function addMask(
  acc: Uint32Array,
  scratch: Uint32Array,
  seed: Uint8Array,
  sign: 1 | -1,
  purpose: MaskPurpose,
  session: MaskSession,
  t: number,
): void {
  const fill = maskStream(seed, session, purpose, t);
  for (let start = 0, stretch = 0; start < acc.length; start += MASK_STRETCH, stretch++) {
    const n = Math.min(MASK_STRETCH, acc.length - start);
    const mask = scratch.subarray(0, n);
    fill(stretch, mask);
    if (sign === 1) {
      for (let i = 0; i < n; i++) {
        const v = acc[start + i] + mask[i];
        acc[start + i] = v >= t ? v - t : v;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = acc[start + i] - mask[i];
        acc[start + i] = v < 0 ? v + t : v;
      }
    }
  }
}

/**
 * A member's packed slot values plus its self-mask and, for each neighbour, the pair mask (added
 * when its id is the smaller, subtracted otherwise), all mod t. Applied to the packed slots before
 * encryption, so the sum of every member's masked slots is the packed sum once the masks are off,
 * and the codec's error bound is untouched. Returns a new array; `slots` is not changed.
 */
export function maskSlots(slots: Uint32Array, m: MaskingInputs): Uint32Array {
  const t = checkModulus(m.modulus);
  checkSlots(slots, t);
  const peers = new Set<string>();
  for (const p of m.pairs) {
    if (peers.has(p.peerId)) throw new RangeError(`peer ${p.peerId} appears twice in the mask pairs`);
    peers.add(p.peerId);
  }
  const out = Uint32Array.from(slots);
  const scratch = new Uint32Array(MASK_STRETCH);
  addMask(out, scratch, m.selfSeed, 1, 'self', m.session, t);
  for (const p of m.pairs) addMask(out, scratch, p.seed, pairSign(m.selfId, p.peerId), 'pair', m.session, t);
  return out;
}

/**
 * The inverse after the sum: takes off every survivor's self-mask and the pair masks survivors
 * shared with dropped members (pairs between two survivors cancelled in the sum). What is left is
 * the packed sum of the survivors' slots mod t, which is the packed sum itself while the fields'
 * headroom holds.
 */
export function unmaskSum(sum: Uint32Array, r: MaskRemoval): Uint32Array {
  const t = checkModulus(r.modulus);
  checkSlots(sum, t);
  const out = Uint32Array.from(sum);
  const scratch = new Uint32Array(MASK_STRETCH);
  for (const seed of r.survivorSelfSeeds) addMask(out, scratch, seed, -1, 'self', r.session, t);
  for (const p of r.droppedPairs) {
    // The survivor applied sign(survivor, dropped) * mask; take exactly that off.
    const applied = pairSign(p.survivorId, p.droppedId);
    addMask(out, scratch, p.seed, applied === 1 ? -1 : 1, 'pair', r.session, t);
  }
  return out;
}
