import { endorsementValid, identityFingerprint, normalizeFingerprint, type Endorsement } from '@syndicate/protocol';
import { z } from 'zod';

/**
 * Whom this bank trusts, decided by the bank alone: members pinned by fingerprint (exchanged out
 * of band), and members endorsed by at least `endorsementsRequired` members it already trusts.
 * The coordinator's member list is never a reason to trust anyone.
 */
export const trustPolicySchema = z
  .object({
    pinned: z
      .array(
        z
          .object({
            name: z.string().min(1),
            fingerprint: z.string().refine((f) => normalizeFingerprint(f) !== null, 'must be 40 digits'),
          })
          .strict(),
      )
      .default([]),
    /** How many trusted members must endorse a member this bank has not pinned; 0 turns endorsement off. */
    endorsementsRequired: z.number().int().min(0).max(100).default(2),
    /** The fewest trusted contributors a sum may have for this bank to decrypt it; never below 3 (with 2, each reads the other). */
    minContributors: z
      .number()
      .int()
      .min(3, 'minContributors is at least 3: a sum of two banks lets each read the other by subtraction')
      .default(3),
    /**
     * Check that a secure sum is the sum of the parts it lists (their signed linear digests) before
     * decrypting it. Off is honoured only for masked sums, where a forged one decrypts to noise and
     * the check costs a pass over every coefficient (large models); unmasked sums are always checked.
     * Absent means on.
     */
    checkSumDigest: z.boolean().optional(),
  })
  .strict();

export type TrustPolicy = z.infer<typeof trustPolicySchema>;

export interface KnownMember {
  participantId: string;
  displayName: string;
  signPublicKey: Uint8Array;
}

export type TrustReason =
  { trusted: true; why: 'self' | 'pinned' | 'endorsed'; detail: string } | { trusted: false; why: string };

/**
 * Decides trust for every known member. Endorsements count only from members trusted already,
 * so trust spreads outward from the bank's own pins, and a forged or relayed one counts for nothing.
 */
export function evaluateTrust(
  policy: TrustPolicy,
  self: KnownMember,
  members: readonly KnownMember[],
  endorsements: readonly Endorsement[],
  federationId: string,
): Map<string, TrustReason> {
  const result = new Map<string, TrustReason>();
  const fp = (m: KnownMember) => identityFingerprint(m.signPublicKey);
  const pins = new Map(policy.pinned.map((p) => [normalizeFingerprint(p.fingerprint)!, p.name]));
  const trustedKeys = new Map<string, string>(); // signing key hex -> display name
  const keyHex = (k: Uint8Array) => Buffer.from(k).toString('hex');

  result.set(self.participantId, { trusted: true, why: 'self', detail: 'this bank' });
  trustedKeys.set(keyHex(self.signPublicKey), self.displayName);
  for (const m of members) {
    if (m.participantId === self.participantId) continue;
    const pinnedAs = pins.get(fp(m));
    if (pinnedAs !== undefined) {
      result.set(m.participantId, { trusted: true, why: 'pinned', detail: `pinned as "${pinnedAs}"` });
      trustedKeys.set(keyHex(m.signPublicKey), pinnedAs);
    }
  }
  const valid = endorsements.filter((e) => e.federationId === federationId && endorsementValid(e));
  // Fixed point: each pass may trust members endorsed by those trusted in the pass before.
  let grew = policy.endorsementsRequired > 0;
  while (grew) {
    grew = false;
    for (const m of members) {
      if (result.get(m.participantId)?.trusted) continue;
      const by = new Set<string>();
      for (const e of valid) {
        const endorser = trustedKeys.get(keyHex(e.endorserSignPublicKey));
        if (endorser !== undefined && keyHex(e.subjectSignPublicKey) === keyHex(m.signPublicKey)) by.add(endorser);
      }
      if (by.size >= policy.endorsementsRequired) {
        result.set(m.participantId, {
          trusted: true,
          why: 'endorsed',
          detail: `endorsed by ${[...by].sort().join(', ')}`,
        });
        trustedKeys.set(keyHex(m.signPublicKey), m.displayName);
        grew = true;
      }
    }
  }
  for (const m of members) {
    if (result.has(m.participantId)) continue;
    const needed = policy.endorsementsRequired;
    result.set(m.participantId, {
      trusted: false,
      why:
        needed > 0
          ? `fingerprint ${fp(m)} is not pinned, and fewer than ${needed} trusted members endorse it`
          : `fingerprint ${fp(m)} is not pinned (endorsement is off)`,
    });
  }
  return result;
}
