import { signStatement, verifyStatement } from '../trust/signed-statement';
import { describeSession, sameSession, sessionFields, type MaskSession } from './mask-session';
import { refuse, type MaskingVerdict } from './masking-rejection';

const SURVIVOR_DOMAIN = 'syndicate.v1.survivor-set';

/**
 * The members whose masked vectors are in a session's sum, as each survivor signs it. Members
 * reveal shares only for a set at least `threshold` survivors signed (Bonawitz et al.'s consistency
 * check), and each signs one set per session; the threshold is above half the members, so a
 * coordinator that tells two groups different stories (to collect both kinds of share of one
 * member) cannot show either group a set signed often enough.
 */
export interface SignedSurvivorSet {
  session: MaskSession;
  /** Sorted, unique participant ids. */
  survivors: string[];
  /** committedSetDigest of the advertised keys the survivors masked with. */
  committedDigest: Uint8Array;
  signatures: { participantId: string; signature: Uint8Array }[];
}

/** The one canonical order of a set of ids, so "the same set" means the same bytes. */
export const canonicalSurvivors = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

const fields = (session: MaskSession, survivors: readonly string[], committedDigest: Uint8Array) => [
  ...sessionFields(session),
  committedDigest,
  survivors.length,
  ...survivors,
];

export function signSurvivorSet(
  session: MaskSession,
  survivors: readonly string[],
  committedDigest: Uint8Array,
  signSecretKey: Uint8Array,
): Uint8Array {
  return signStatement(SURVIVOR_DOMAIN, fields(session, canonicalSurvivors(survivors), committedDigest), signSecretKey);
}

export interface SurvivorSetExpectation {
  session: MaskSession;
  selfId: string;
  /** Whether this member's masked vector is in the sum (then the set must name it). */
  contributed: boolean;
  /** Signatures needed: the session's share threshold. */
  threshold: number;
  /** The members that took part in the session's key exchange: survivors must be among them. */
  committed: ReadonlySet<string>;
  /** committedSetDigest of the advertised keys this member masked with. */
  committedDigest: Uint8Array;
  /** A pinned member's signing key, or undefined for an id this bank does not know. */
  signKeyOf(participantId: string): Uint8Array | undefined;
}

/** Checks that at least `threshold` survivors signed exactly this set for this session, and that it names this member if it contributed. */
export function verifySurvivorSet(s: SignedSurvivorSet, x: SurvivorSetExpectation): MaskingVerdict {
  const where = describeSession(x.session);
  if (!sameSession(s.session, x.session)) {
    return refuse(
      'SURVIVOR_SET_MISMATCH',
      `the survivor set is for the ${describeSession(s.session)}, not the ${where}`,
    );
  }
  const ids = canonicalSurvivors(s.survivors);
  if (ids.length !== s.survivors.length || ids.some((id, i) => id !== s.survivors[i])) {
    return refuse('SURVIVOR_SET_MISMATCH', `${where}: the survivor set is not sorted and free of repeats`);
  }
  if (x.contributed && !ids.includes(x.selfId)) {
    return refuse('SURVIVOR_SET_MISMATCH', `${where}: the survivor set leaves out this member although it uploaded`);
  }
  const stranger = ids.find((id) => !x.committed.has(id));
  if (stranger) {
    return refuse('SURVIVOR_SET_MISMATCH', `${where}: survivor ${stranger} took no part in the session's key exchange`);
  }
  if (!Buffer.from(s.committedDigest).equals(Buffer.from(x.committedDigest))) {
    return refuse(
      'SURVIVOR_SET_MISMATCH',
      `${where}: the survivors masked with another list of peer keys than this member (the coordinator handed out different lists)`,
    );
  }
  const statement = fields(x.session, ids, x.committedDigest);
  const signers = new Set<string>();
  for (const g of s.signatures) {
    const key = x.signKeyOf(g.participantId);
    if (!ids.includes(g.participantId) || !key || !verifyStatement(SURVIVOR_DOMAIN, statement, g.signature, key)) {
      return refuse(
        'SURVIVOR_SET_MISMATCH',
        `${where}: the signature shown for ${g.participantId} is not its signature of this survivor set (it may have been shown another one)`,
      );
    }
    signers.add(g.participantId);
  }
  if (signers.size < x.threshold) {
    return refuse(
      'SURVIVOR_SET_MISMATCH',
      `${where}: ${signers.size} survivors signed this survivor set, ${x.threshold} must (the others may have been shown another one)`,
    );
  }
  return { ok: true };
}

/** One survivor's signature of a set, for the relay's early check (members run verifySurvivorSet themselves). */
export const survivorSignatureValid = (
  session: MaskSession,
  survivors: readonly string[],
  committedDigest: Uint8Array,
  signature: Uint8Array,
  signPublicKey: Uint8Array,
): boolean =>
  verifyStatement(
    SURVIVOR_DOMAIN,
    fields(session, canonicalSurvivors(survivors), committedDigest),
    signature,
    signPublicKey,
  );
