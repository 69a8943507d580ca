import {
  assertTransition,
  canTransition,
  decideClose,
  IllegalRoundTransitionError,
  isFinal,
  type RoundState,
} from './round-state-machine';

const ALL: RoundState[] = ['open', 'counting', 'collecting', 'aggregating', 'published', 'failed'];

describe('round state machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual([
      'aggregating->failed',
      'aggregating->published',
      'collecting->aggregating',
      'collecting->failed',
      'counting->collecting',
      'counting->failed',
      'open->collecting',
      'open->counting',
      'open->failed',
    ]);
    expect(() => assertTransition('published', 'collecting')).toThrow(IllegalRoundTransitionError);
    expect(ALL.filter(isFinal)).toEqual(['published', 'failed']);
  });

  const base = { now: 1000, deadlineAt: 2000, minParticipants: 2, expected: 4 };
  it('waits before the deadline while members are missing', () => {
    expect(decideClose({ ...base, contributors: 3 })).toEqual({ action: 'wait' });
  });
  it('closes early once every expected member contributed', () => {
    expect(decideClose({ ...base, contributors: 4 })).toEqual({ action: 'aggregate' });
  });
  it('aggregates at the deadline with quorum, and fails without it, saying why', () => {
    expect(decideClose({ ...base, now: 2000, contributors: 2 })).toEqual({ action: 'aggregate' });
    const d = decideClose({ ...base, now: 2000, contributors: 1 });
    expect(d).toEqual({ action: 'fail', reason: 'quorum not met at deadline: 1 of 2 required updates received' });
  });
  it('never closes early below quorum even if all expected members reported', () => {
    expect(decideClose({ ...base, expected: 1, contributors: 1 })).toEqual({ action: 'wait' });
  });
});
