import { createHash } from 'crypto';

const GROUPS = 8;
const DIGITS_PER_GROUP = 5;

/**
 * A member's identity fingerprint, safety-number style: 8 groups of 5 digits derived from its
 * Ed25519 public key (about 132 bits), easy to read aloud when banks exchange them by phone.
 * Iterated hashing (as Signal's safety numbers do) makes grinding a look-alike key costlier.
 */
export function identityFingerprint(signPublicKey: Uint8Array): string {
  let h = createHash('sha512').update('syndicate.v1.fingerprint').update(signPublicKey).digest();
  for (let i = 0; i < 1024; i++) h = createHash('sha512').update(h).update(signPublicKey).digest();
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    // 5 bytes per group, reduced mod 10^5: the bias is below 1e-7 per group.
    const n = h.readUIntBE(g * 5, 5) % 10 ** DIGITS_PER_GROUP;
    groups.push(String(n).padStart(DIGITS_PER_GROUP, '0'));
  }
  return groups.join(' ');
}

/** Accepts a fingerprint typed with spaces, dashes or none; null when it is not 40 digits. */
export function normalizeFingerprint(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{40}$/.test(digits)) return null;
  return digits.match(/.{5}/g)!.join(' ');
}
