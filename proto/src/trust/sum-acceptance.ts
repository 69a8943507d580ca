import { contributionSignatureValid, type ContributionStatement } from './contribution-statement';

/** No sum of fewer members is ever decrypted: with two, each would learn the other's by subtraction. */
export const MIN_CONTRIBUTORS_FLOOR = 3;

export type SumRejection =
  | 'SUM_TOO_FEW_CONTRIBUTORS'
  | 'SUM_WRONG_ROUND'
  | 'SUM_BAD_SIGNATURE'
  | 'SUM_UNTRUSTED_CONTRIBUTOR'
  | 'SUM_DUPLICATE_CONTRIBUTOR'
  | 'SUM_SELF_MISSING'
  | 'SUM_DIGEST_MISMATCH';

export type SumVerdict = { ok: true; contributors: string[] } | { ok: false; code: SumRejection; message: string };

export interface SumExpectation {
  federationId: string;
  roundId: string;
  kind: string;
  keyEpoch: number;
  /** This bank's own minimum; never below MIN_CONTRIBUTORS_FLOOR whatever it is set to. */
  minContributors: number;
  /** This member and whether it contributed to this sum (then it must be named). */
  self: { participantId: string; contributed: boolean };
  /** A trusted member's signing key, or null with why it is not trusted. */
  trustedKey(participantId: string): { key: Uint8Array } | { why: string };
}

/**
 * Whether a member may decrypt a sum the coordinator hands it, judged from the signed list of what
 * the coordinator says it added. This alone does not prove the ciphertext IS that sum: pair it with
 * recomputing the sum from the signed contributions (or with masking, which makes any other
 * combination decrypt to noise).
 */
export function checkSumStatements(statements: readonly ContributionStatement[], x: SumExpectation): SumVerdict {
  const no = (code: SumRejection, message: string): SumVerdict => ({ ok: false, code, message });
  const seen = new Set<string>();
  const keys = new Set<string>();
  for (const s of statements) {
    if (
      s.federationId !== x.federationId ||
      s.roundId !== x.roundId ||
      s.kind !== x.kind ||
      s.keyEpoch !== x.keyEpoch
    ) {
      return no(
        'SUM_WRONG_ROUND',
        `${s.participantId}'s contribution is for round ${s.roundId} ${s.kind} epoch ${s.keyEpoch}, not round ${x.roundId} ${x.kind} epoch ${x.keyEpoch}`,
      );
    }
    if (seen.has(s.participantId)) return no('SUM_DUPLICATE_CONTRIBUTOR', `${s.participantId} is listed twice`);
    seen.add(s.participantId);
    const trust = x.trustedKey(s.participantId);
    if ('why' in trust) return no('SUM_UNTRUSTED_CONTRIBUTOR', `contributor ${s.participantId}: ${trust.why}`);
    if (!contributionSignatureValid(s, trust.key)) {
      return no('SUM_BAD_SIGNATURE', `${s.participantId}'s contribution signature does not verify`);
    }
    // Two ids under one key are one member: distinct banks are counted by identity, not by label.
    const k = Buffer.from(trust.key).toString('hex');
    if (keys.has(k))
      return no('SUM_DUPLICATE_CONTRIBUTOR', `${s.participantId} shares its signing key with another contributor`);
    keys.add(k);
  }
  const min = Math.max(MIN_CONTRIBUTORS_FLOOR, x.minContributors);
  if (seen.size < min) {
    return no(
      'SUM_TOO_FEW_CONTRIBUTORS',
      `the sum has ${seen.size} trusted contributors; this member decrypts only sums of at least ${min}`,
    );
  }
  if (x.self.contributed && !seen.has(x.self.participantId)) {
    return no(
      'SUM_SELF_MISSING',
      `this member contributed to round ${x.roundId} ${x.kind} but the sum does not include it`,
    );
  }
  return { ok: true, contributors: [...seen].sort() };
}
