import { windowAt, type ScheduleSpec, type Window } from './schedule-spec';

export type FailureCode =
  | 'QUORUM_MISSED'
  | 'NO_DEALER'
  | 'MAX_DURATION'
  | 'CANCELLED'
  | 'TOO_FEW_SURVIVORS'
  | 'PUBLICATION_UNCONFIRMED'
  | 'STATS_UNUSABLE';

export interface ScheduledRoundFact {
  seq: number;
  state: string;
  openedAt: number;
  failureCode: FailureCode | null;
}

export interface ScheduleFacts {
  now: number;
  spec: Pick<ScheduleSpec, 'cron' | 'timeZone' | 'windowMinutes' | 'rounds' | 'onQuorumMissed'>;
  deadlineSeconds: number;
  /** Rounds this schedule opened, any order. */
  rounds: ScheduledRoundFact[];
  /** Some round of the federation (scheduled or not) is still running. */
  federationBusy: boolean;
}

export type ScheduleDecision =
  | { action: 'wait'; why: string }
  | { action: 'open'; seq: number; window: Window }
  | { action: 'complete' }
  | { action: 'fail'; reason: string };

/**
 * What an active schedule should do now. Everything is derived from the rounds it
 * already opened (persisted), so a restarted coordinator decides exactly as the one
 * that died would have: no round is opened twice, none is skipped.
 */
export function decideSchedule(f: ScheduleFacts): ScheduleDecision {
  const published = f.rounds.filter((r) => r.state === 'published').length;
  if (published >= f.spec.rounds) return { action: 'complete' };
  if (f.federationBusy) return { action: 'wait', why: 'a round is running' };
  const window = windowAt(f.spec.cron, f.spec.timeZone, f.spec.windowMinutes, f.now);
  if (!window) return { action: 'wait', why: 'outside the schedule window' };
  const last = f.rounds.reduce<ScheduledRoundFact | undefined>((a, r) => (!a || r.seq > a.seq ? r : a), undefined);
  // A cancelled round is the admin's decision, not a missed quorum: the schedule goes on.
  if (last && last.state === 'failed' && last.failureCode !== 'CANCELLED') {
    if (f.spec.onQuorumMissed === 'fail')
      return {
        action: 'fail',
        reason: `round ${last.seq} of the schedule failed (${last.failureCode ?? 'FAILED'}) and the schedule says onQuorumMissed: fail`,
      };
    if (last.openedAt >= window.start)
      return { action: 'wait', why: 'quorum was missed in this window; retrying in the next one' };
  }
  if (window.end - f.now < f.deadlineSeconds * 1000)
    return { action: 'wait', why: "the rest of the window is shorter than a round's deadline" };
  return { action: 'open', seq: (last?.seq ?? 0) + 1, window };
}
