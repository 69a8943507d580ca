import type { FederatedMetrics } from '@syndicate/protocol';
import { fallingValidation, fallingValidationWarning } from './curve-warnings';

const rounds = (aucs: (number | null)[]) =>
  aucs.map((auc, i) => ({
    number: i + 1,
    contributors: 3,
    metrics: auc === null ? null : ({ rocAuc: auc } as FederatedMetrics),
  }));

describe('falling validation curve', () => {
  it('finds three or more consecutive falls, the longest stretch', () => {
    const f = fallingValidation(rounds([0.7, 0.736, 0.73, 0.725, 0.72, 0.716, 0.72, 0.71, 0.7]));
    expect(f).toEqual({ from: 2, to: 6, aucFrom: 0.736, aucTo: 0.716, falls: 4 });
    expect(fallingValidationWarning(rounds([0.7, 0.736, 0.73, 0.725, 0.72]))).toMatch(
      /fell in 3 consecutive rounds, from 0\.7360 after round 2 to 0\.7200 after round 5/,
    );
  });

  it('stays quiet for a rising curve, a single dip, or two falls; skips unevaluated rounds', () => {
    expect(fallingValidation(rounds([0.6, 0.65, 0.7]))).toBeNull();
    expect(fallingValidation(rounds([0.7, 0.69, 0.71, 0.7, 0.69, 0.72]))).toBeNull();
    expect(fallingValidationWarning(rounds([0.7, 0.69, 0.68]))).toBe('');
    expect(fallingValidation(rounds([0.8, null, 0.79, 0.78, null, 0.77]))?.falls).toBe(3);
  });
});
