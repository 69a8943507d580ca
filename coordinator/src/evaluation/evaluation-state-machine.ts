import { effectiveQuorum } from '@syndicate/protocol';
import type { ModelEvaluationState } from './model-evaluation.entity';

/**
 * collecting -> decrypting -> complete
 *   (collecting: members add score histograms to the sum; decrypting: they decrypt it and report)
 *   collecting or decrypting -> failed
 * Pure, like round-state-machine.ts.
 */
const NEXT: Record<ModelEvaluationState, readonly ModelEvaluationState[]> = {
  collecting: ['decrypting', 'failed'],
  decrypting: ['complete', 'failed'],
  complete: [],
  failed: [],
};

export const PENDING_EVALUATION_STATES: readonly ModelEvaluationState[] = ['collecting', 'decrypting'];

export function canMoveEvaluation(from: ModelEvaluationState, to: ModelEvaluationState): boolean {
  return NEXT[from].includes(to);
}

export function assertEvaluationMove(from: ModelEvaluationState, to: ModelEvaluationState): void {
  if (!canMoveEvaluation(from, to)) throw new Error(`an evaluation cannot go from ${from} to ${to}`);
}

export function isEvaluationFinal(state: ModelEvaluationState): boolean {
  return NEXT[state].length === 0;
}

/** A single bank's score distribution is never revealed: an evaluation sum needs at least this many histograms. */
export const MIN_EVALUATION_CONTRIBUTORS = 2;

/**
 * How many histograms an evaluation needs: at least two, never fewer than the round needed updates,
 * and in a secure round never below the secure floor (two histograms reveal each other by subtraction).
 */
export const evaluationQuorum = (roundMinParticipants: number, mode: 'plaintext' | 'secure' = 'plaintext'): number =>
  Math.max(MIN_EVALUATION_CONTRIBUTORS, effectiveQuorum(mode, roundMinParticipants));
