import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const low = () => 0;
  const high = () => 1;

  it('stays between half and all of the ceiling', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      expect(backoffDelay(attempt, 500, 30_000, low)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, 500, 30_000, high)).toBe(ceiling);
    }
  });

  it('doubles the ceiling with each attempt', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, 100, 1e9, high))).toEqual([100, 200, 400, 800]);
  });

  it('spreads delays with the random source (jitter)', () => {
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(3000);
    const seen = new Set([0, 0.25, 0.5, 0.75].map((r) => backoffDelay(3, 500, 30_000, () => r)));
    expect(seen.size).toBe(4);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(backoffDelay(50, 500, 30_000, high)).toBe(30_000);
    expect(backoffDelay(5000, 500, 30_000, high)).toBe(30_000);
    expect(backoffDelay(5000, 500, 30_000, low)).toBe(15_000);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, 500, 30_000, high)).toBe(500);
  });

  it('uses Math.random when no source is given', () => {
    const d = backoffDelay(0);
    expect(d).toBeGreaterThanOrEqual(250);
    expect(d).toBeLessThanOrEqual(500);
  });
});
