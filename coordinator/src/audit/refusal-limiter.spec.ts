import { RefusalLimiter } from './refusal-limiter';

describe('RefusalLimiter', () => {
  const limits = { intervalMs: 1000, perInterval: 3 };

  it('records a peer allowance in full, counts the rest, and summarises them once when the window ends', () => {
    const l = new RefusalLimiter(limits);
    const verdicts = Array.from({ length: 10 }, () => l.admit('10.0.0.9', 'message.rejected', 100).record);
    expect(verdicts).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(l.due(500)).toEqual([]);
    expect(l.due(1100)).toEqual([
      { peer: '10.0.0.9', from: 100, to: 1100, suppressed: 7, actions: { 'message.rejected': 7 } },
    ]);
    expect(l.due(5000)).toEqual([]);
  });

  it('keeps peers apart: one flooding peer does not silence another', () => {
    const l = new RefusalLimiter(limits);
    for (let i = 0; i < 10; i++) l.admit('attacker', 'message.rejected', 0);
    expect(l.admit('honest', 'update.rejected', 0).record).toBe(true);
  });

  it('hands back the previous window summary when the peer comes back after it ended', () => {
    const l = new RefusalLimiter(limits);
    for (let i = 0; i < 5; i++) l.admit('p', 'access.denied', 0);
    const next = l.admit('p', 'access.denied', 1000);
    expect(next.record).toBe(true);
    expect(next.summary).toEqual({ peer: 'p', from: 0, to: 1000, suppressed: 2, actions: { 'access.denied': 2 } });
  });

  it('flushes every window at shutdown', () => {
    const l = new RefusalLimiter(limits);
    for (let i = 0; i < 4; i++) l.admit('p', 'x.denied', 0);
    expect(l.due(10, true)).toHaveLength(1);
    expect(l.size).toBe(0);
  });
});
