import fc from 'fast-check';
import { exactMetrics } from '@syndicate/protocol';

const rocAuc = (scores: number[], labels: number[]) => exactMetrics(scores, labels).rocAuc;

/** O(n^2) definition: P(score_pos > score_neg) + 0.5 P(tie). */
function bruteAuc(scores: number[], labels: number[]): number {
  let num = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((t, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      num += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return num / pairs;
}

describe('metrics a bank computes on its own holdout', () => {
  it('rocAuc equals the pairwise definition, ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 1 })), {
          minLength: 2,
          maxLength: 60,
        }),
        (pairs) => {
          const scores = pairs.map(([s]) => s / 20);
          const labels = pairs.map(([, l]) => l);
          fc.pre(labels.includes(0) && labels.includes(1));
          expect(rocAuc(scores, labels)).toBeCloseTo(bruteAuc(scores, labels), 12);
        },
      ),
    );
  });

  it('rocAuc is undefined with one class', () => {
    expect(rocAuc([0.1, 0.9], [1, 1])).toBeNaN();
  });

  it('log loss on a known case', () => {
    expect(exactMetrics([0.8, 0.4], [1, 0]).logLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 10);
  });
});
