import { REASON, type ReasonCode } from '@syndicate/protocol';

/** Refusals that retrying cannot fix: the agent stops and says why. */
export const FATAL_REASONS: ReadonlySet<string> = new Set<ReasonCode>([
  REASON.UNKNOWN_PARTICIPANT,
  REASON.PARTICIPANT_REVOKED,
  REASON.WRONG_FEDERATION,
  REASON.FEDERATION_NOT_FOUND,
]);

/** Already done (re-sent after a reconnect), or an evaluation that closed without this member: nothing failed. */
export const SETTLED_REASONS: ReadonlySet<string> = new Set<ReasonCode>([
  REASON.DUPLICATE_UPDATE,
  REASON.DUPLICATE_COUNT,
  REASON.DUPLICATE_EVALUATION,
  REASON.DUPLICATE_STATS,
  REASON.EVALUATION_NOT_COLLECTING,
]);

/** Joined after this key epoch was dealt: nothing to do until the next one. */
export const NEXT_EPOCH_REASONS: ReadonlySet<string> = new Set<ReasonCode>([REASON.NOT_A_KEY_MEMBER]);
