/**
 * Every place the agent reads a coordinator reason code, so the move to the typed
 * constants in `proto` touches one file.
 */

/** Refusals that retrying cannot fix: the agent stops and says why. */
export const FATAL_REASONS: ReadonlySet<string> = new Set([
  'UNKNOWN_PARTICIPANT',
  'PARTICIPANT_REVOKED',
  'WRONG_FEDERATION',
  'FEDERATION_NOT_FOUND',
]);

/** Already done (re-sent after a reconnect), or an evaluation that closed without this member: nothing failed. */
export const ALREADY_SETTLED_REASONS: ReadonlySet<string> = new Set([
  'DUPLICATE_UPDATE',
  'DUPLICATE_COUNT',
  'DUPLICATE_EVALUATION',
  'DUPLICATE_STATS',
  'EVALUATION_NOT_COLLECTING',
]);

/** Feature statistics this member sent before a reconnect. */
export const DUPLICATE_STATS = 'DUPLICATE_STATS';

/** Joined after this key epoch was dealt: nothing to do until the next one. */
export const NOT_A_KEY_MEMBER = 'NOT_A_KEY_MEMBER';

/** What a refused task means for the queue. */
export type TaskRefusal = 'already-settled' | 'not-a-key-member' | 'failed';

export function classifyRefusal(reason: string): TaskRefusal {
  if (ALREADY_SETTLED_REASONS.has(reason)) return 'already-settled';
  if (reason === NOT_A_KEY_MEMBER) return 'not-a-key-member';
  return 'failed';
}
