import { REASON, type ReasonCode } from '@syndicate/protocol';

/** Every coordinator reason code the agent acts on, from proto's typed list, in one place. */

/** Refusals that retrying cannot fix: the agent stops and says why. */
export const FATAL_REASONS: ReadonlySet<string> = new Set<ReasonCode>([
  REASON.UNKNOWN_PARTICIPANT,
  REASON.PARTICIPANT_REVOKED,
  REASON.WRONG_FEDERATION,
  REASON.FEDERATION_NOT_FOUND,
]);

/** Already done (re-sent after a reconnect), or an evaluation that closed without this member: nothing failed. */
export const ALREADY_SETTLED_REASONS: ReadonlySet<string> = new Set<ReasonCode>([
  REASON.DUPLICATE_UPDATE,
  REASON.DUPLICATE_COUNT,
  REASON.DUPLICATE_EVALUATION,
  REASON.DUPLICATE_STATS,
  REASON.EVALUATION_NOT_COLLECTING,
]);

/** Feature statistics this member sent before a reconnect. */
export const DUPLICATE_STATS = REASON.DUPLICATE_STATS;

/** Joined after this key epoch was dealt: nothing to do until the next one. */
export const NOT_A_KEY_MEMBER = REASON.NOT_A_KEY_MEMBER;

/** What a refused task means for the queue. */
export type TaskRefusal = 'already-settled' | 'not-a-key-member' | 'failed';

export function classifyRefusal(reason: string): TaskRefusal {
  if (ALREADY_SETTLED_REASONS.has(reason)) return 'already-settled';
  if (reason === NOT_A_KEY_MEMBER) return 'not-a-key-member';
  return 'failed';
}
