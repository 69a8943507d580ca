import { seededRandom } from '@syndicate/protocol';
import { CLEAR_WIN_SHARE, winShare } from './clear-win';

/** Labels with a 6% default rate and scores that rank them with noise of the given size. */
function scored(n: number, seed: number, noise: number[]): { labels: Float32Array; scores: Float32Array[] } {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const labels = Float32Array.from({ length: n }, () => (rand() < 0.06 ? 1 : 0));
  const truth = Array.from(labels, (y) => y * 1.5 + normal());
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  return { labels, scores: noise.map((s) => Float32Array.from(truth, (t) => sigmoid(t - 2 + s * normal()))) };
}

describe('paired bootstrap: does a model beat local-only clearly?', () => {
  it('a model much better than local-only wins clearly; local-only against itself never does', () => {
    const { labels, scores } = scored(600, 1, [0.2, 1.5]);
    expect(winShare({ metric: 'auc', labels, candidate: scores[0], reference: scores[1], seed: 3 })!).toBeGreaterThan(
      CLEAR_WIN_SHARE,
    );
    expect(winShare({ metric: 'auc', labels, candidate: scores[1], reference: scores[1], seed: 3 })).toBe(0);
    expect(winShare({ metric: 'auc', labels, candidate: scores[1], reference: scores[0], seed: 3 })!).toBeLessThan(
      0.05,
    );
  });

  it('between two equally good models a clear win is rare (the false-alarm rate of the test)', () => {
    let clear = 0;
    for (let seed = 10; seed < 30; seed++) {
      const { labels, scores } = scored(400, seed, [0.8, 0.8]);
      if (winShare({ metric: 'auc', labels, candidate: scores[0], reference: scores[1], seed })! >= CLEAR_WIN_SHARE)
        clear++;
    }
    // One-sided 95%: about 1 in 20 by chance, where "higher on validation" would move about 10 in 20.
    expect(clear).toBeLessThanOrEqual(3);
  });

  it('is deterministic for a seed, null on rows with one class, and refuses unpaired scores', () => {
    const { labels, scores } = scored(300, 3, [0.5, 0.9]);
    const o = { metric: 'auc' as const, labels, candidate: scores[0], reference: scores[1], seed: 5 };
    expect(winShare(o)).toBe(winShare(o));
    expect(winShare({ ...o, labels: new Float32Array(300) })).toBeNull();
    expect(() => winShare({ ...o, reference: scores[1].subarray(1) })).toThrow(/300 rows, 300 and 299 scores/);
  });
});
