import { decideSchedule, type ScheduleFacts } from './schedule-policy';
import { nextWindowStart, windowAt } from './schedule-spec';

const day = (hhmm: string) => Date.parse(`2026-11-25T${hhmm}:00Z`);
// Nightly 01:00-05:00 in Zurich (UTC+1 in November) = 00:00-04:00 UTC.
const spec = {
  cron: '0 1 * * *',
  timeZone: 'Europe/Zurich',
  windowMinutes: 240,
  rounds: 3,
  onQuorumMissed: 'retry' as const,
};
const facts = (now: number, extra: Partial<ScheduleFacts> = {}): ScheduleFacts => ({
  now,
  spec,
  deadlineSeconds: 1800,
  rounds: [],
  federationBusy: false,
  ...extra,
});

describe('schedule windows', () => {
  it('follow the cron expression in its time zone', () => {
    expect(windowAt(spec.cron, spec.timeZone, spec.windowMinutes, day('00:00'))).toEqual({
      start: day('00:00'),
      end: day('04:00'),
    });
    expect(windowAt(spec.cron, spec.timeZone, spec.windowMinutes, day('03:59'))).toEqual({
      start: day('00:00'),
      end: day('04:00'),
    });
    expect(windowAt(spec.cron, spec.timeZone, spec.windowMinutes, day('04:00'))).toBeNull();
    expect(windowAt(spec.cron, spec.timeZone, spec.windowMinutes, day('23:59'))).toBeNull();
    expect(nextWindowStart(spec.cron, spec.timeZone, day('12:00'))).toBe(Date.parse('2026-11-26T00:00:00Z'));
  });
});

describe('decideSchedule', () => {
  it('opens only inside a window, with room for a whole deadline', () => {
    expect(decideSchedule(facts(day('12:00')))).toMatchObject({ action: 'wait' });
    expect(decideSchedule(facts(day('00:10')))).toMatchObject({ action: 'open', seq: 1 });
    expect(decideSchedule(facts(day('03:45')))).toMatchObject({
      action: 'wait',
      why: expect.stringContaining('shorter'),
    });
  });

  it('waits while any round of the federation runs, and numbers rounds after the last one', () => {
    const rounds = [{ seq: 1, state: 'published', openedAt: day('00:01'), failureCode: null }];
    expect(decideSchedule(facts(day('00:30'), { rounds, federationBusy: true }))).toMatchObject({ action: 'wait' });
    expect(decideSchedule(facts(day('00:30'), { rounds }))).toMatchObject({ action: 'open', seq: 2 });
  });

  it('after a missed quorum retries in the next window, or fails the schedule', () => {
    const rounds = [{ seq: 1, state: 'failed', openedAt: day('00:01'), failureCode: 'QUORUM_MISSED' as const }];
    expect(decideSchedule(facts(day('00:40'), { rounds }))).toMatchObject({
      action: 'wait',
      why: expect.stringContaining('next'),
    });
    expect(decideSchedule(facts(Date.parse('2026-11-26T00:05:00Z'), { rounds }))).toMatchObject({
      action: 'open',
      seq: 2,
    });
    expect(decideSchedule(facts(day('00:40'), { rounds, spec: { ...spec, onQuorumMissed: 'fail' } }))).toMatchObject({
      action: 'fail',
    });
  });

  it('goes on at once after an admin cancelled a round, and completes after enough published rounds', () => {
    const cancelled = [{ seq: 1, state: 'failed', openedAt: day('00:01'), failureCode: 'CANCELLED' as const }];
    expect(decideSchedule(facts(day('00:40'), { rounds: cancelled }))).toMatchObject({ action: 'open', seq: 2 });
    const done = [1, 2, 3].map((seq) => ({ seq, state: 'published', openedAt: day('00:01'), failureCode: null }));
    expect(decideSchedule(facts(day('12:00'), { rounds: done }))).toEqual({ action: 'complete' });
  });
});
