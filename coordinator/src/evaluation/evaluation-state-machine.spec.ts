import {
  assertEvaluationMove,
  canMoveEvaluation,
  evaluationQuorum,
  isEvaluationFinal,
} from './evaluation-state-machine';

describe('evaluation state machine', () => {
  it('collects, then decrypts, then completes; either open stage can fail', () => {
    expect(canMoveEvaluation('collecting', 'decrypting')).toBe(true);
    expect(canMoveEvaluation('decrypting', 'complete')).toBe(true);
    expect(canMoveEvaluation('collecting', 'failed')).toBe(true);
    expect(canMoveEvaluation('decrypting', 'failed')).toBe(true);
    expect(canMoveEvaluation('collecting', 'complete')).toBe(false);
    expect(() => assertEvaluationMove('complete', 'failed')).toThrow('from complete to failed');
    expect(isEvaluationFinal('complete') && isEvaluationFinal('failed')).toBe(true);
  });

  it('never reveals one bank alone: at least two histograms, or the round quorum if larger', () => {
    expect(evaluationQuorum(1)).toBe(2);
    expect(evaluationQuorum(5)).toBe(5);
  });

  it('in a secure round, never fewer than 3 histograms (two would reveal each other), even for a round stored with less', () => {
    expect(evaluationQuorum(2, 'secure')).toBe(3);
    expect(evaluationQuorum(4, 'secure')).toBe(4);
    expect(evaluationQuorum(2, 'plaintext')).toBe(2);
  });
});
