/**
 * plaintext: open [-> counting] -> collecting -> aggregating -> published
 * secure:    open -> counting -> collecting -> aggregating -> published
 *   (counting: encrypted sample counts, plus feature statistics while the plan needs
 *   them; a plaintext round counts only for those statistics; aggregating: members
 *   decrypt the sum and one publishes the new model)
 *   any non-final state -> failed
 * Pure, so every transition the services make can be checked in one place.
 */
export type RoundState = 'open' | 'counting' | 'collecting' | 'aggregating' | 'published' | 'failed';

const NEXT: Record<RoundState, readonly RoundState[]> = {
  open: ['counting', 'collecting', 'failed'],
  counting: ['collecting', 'failed'],
  collecting: ['aggregating', 'failed'],
  aggregating: ['published', 'failed'],
  published: [],
  failed: [],
};

export const ACTIVE_ROUND_STATES: readonly RoundState[] = ['open', 'counting', 'collecting', 'aggregating'];

export class IllegalRoundTransitionError extends Error {
  constructor(
    readonly from: RoundState,
    readonly to: RoundState,
  ) {
    super(`round cannot go from ${from} to ${to}`);
    this.name = 'IllegalRoundTransitionError';
  }
}

export function canTransition(from: RoundState, to: RoundState): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: RoundState, to: RoundState): void {
  if (!canTransition(from, to)) throw new IllegalRoundTransitionError(from, to);
}

export function isFinal(state: RoundState): boolean {
  return NEXT[state].length === 0;
}

export interface CloseDecisionInput {
  now: number;
  deadlineAt: number;
  contributors: number;
  minParticipants: number;
  /** Members expected to contribute; the round closes early once all have. */
  expected: number;
}

export type CloseDecision = { action: 'wait' } | { action: 'aggregate' } | { action: 'fail'; reason: string };

/** Closes at the deadline, or earlier once every expected member has contributed. */
export function decideClose(i: CloseDecisionInput): CloseDecision {
  const everyone = i.expected > 0 && i.contributors >= i.expected && i.contributors >= i.minParticipants;
  if (everyone) return { action: 'aggregate' };
  if (i.now < i.deadlineAt) return { action: 'wait' };
  if (i.contributors >= i.minParticipants) return { action: 'aggregate' };
  return {
    action: 'fail',
    reason: `quorum not met at deadline: ${i.contributors} of ${i.minParticipants} required updates received`,
  };
}
