import { MIN_CONTRIBUTORS_FLOOR } from '../trust/sum-acceptance';

/**
 * Fewest contributors a secure round may have: with one, the "sum" is that bank's own update;
 * with two, each bank learns the other's by subtraction. The same floor every agent applies
 * before it decrypts a sum, so the coordinator never runs a round its members would refuse.
 */
export const SECURE_QUORUM_MIN = MIN_CONTRIBUTORS_FLOOR;

/** The quorum a plan gets when it names none: plaintext keeps its historical 2, secure the floor. */
export const defaultQuorum = (mode: 'plaintext' | 'secure'): number => (mode === 'secure' ? SECURE_QUORUM_MIN : 2);

/** The quorum a round really runs with: never below the secure floor, whatever was stored before the floor existed. */
export const effectiveQuorum = (mode: 'plaintext' | 'secure', minParticipants: number): number =>
  mode === 'secure' ? Math.max(SECURE_QUORUM_MIN, minParticipants) : minParticipants;

/**
 * Why a quorum is refused, naming the field, the value, the minimum and the fix; null when allowed.
 * `field` is how the caller spelled it (`rounds.minParticipants`, `--quorum`, `minParticipants`).
 */
export function quorumProblem(mode: 'plaintext' | 'secure', value: number, field: string): string | null {
  if (mode !== 'secure' || value >= SECURE_QUORUM_MIN) return null;
  return (
    `${field} is ${value}, but a secure federation needs a quorum of at least ${SECURE_QUORUM_MIN}: ` +
    `with ${value === 1 ? 'one contributor its "sum" is that bank\'s own update' : "two contributors each learns the other's update by subtraction"}. ` +
    `Set ${field} to ${SECURE_QUORUM_MIN} or more (and enroll at least ${SECURE_QUORUM_MIN} banks)`
  );
}

/** Whether a formatted plan problem is the quorum rule's (so the caller can name it with its own reason code). */
export const isQuorumProblem = (formatted: string): boolean =>
  formatted.startsWith('rounds.minParticipants: ') && formatted.includes('a secure federation needs a quorum');
