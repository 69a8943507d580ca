import type { KeyEpochState } from './key-epoch.entity';

/**
 * dealing -> ready       (the dealer returned a sealed share for every member)
 * dealing -> abandoned   (dealer gone, timed out, or the membership changed meanwhile)
 * ready and abandoned are final: a change of membership starts a new epoch.
 * Pure, like round-state-machine.ts.
 */
const NEXT: Record<KeyEpochState, readonly KeyEpochState[]> = {
  dealing: ['ready', 'abandoned'],
  ready: [],
  abandoned: [],
};

/** A dealer that has not delivered by then is replaced by another member. */
export const CEREMONY_TIMEOUT_MS = 120_000;

export function canMoveKeyEpoch(from: KeyEpochState, to: KeyEpochState): boolean {
  return NEXT[from].includes(to);
}

export const sameMembers = (a: readonly string[], b: readonly string[]): boolean => {
  const sb = [...b].sort();
  return a.length === b.length && [...a].sort().every((x, i) => x === sb[i]);
};

export interface EpochFacts {
  /**
   * The federation's newest epoch, if any: `members` hold shares, `excluded` were named but refused by the
   * dealer's trust policy; `endorsedSince` when one of those gained an endorsement after the epoch was dealt.
   */
  latest: {
    state: KeyEpochState;
    members: string[];
    excluded?: string[];
    endorsedSince?: boolean;
    startedAt: number;
  } | null;
  /** Active members now. */
  active: string[];
  now: number;
  dealerOnline: boolean;
}

/**
 * use: the newest epoch is ready and was dealt for exactly the active members. Members the dealer excluded
 *      do not by themselves cause a new ceremony (an unendorsed newcomer would otherwise cause one every
 *      round); one gaining an endorsement since does, as it may now be trusted.
 * wait: its ceremony is running for exactly them with a live dealer.
 * start: a new ceremony is needed (abandoning the running one first when `abandon`).
 */
export type EpochDecision = { action: 'use' } | { action: 'wait' } | { action: 'start'; abandon: boolean };

export function decideEpoch(f: EpochFacts): EpochDecision {
  const l = f.latest;
  if (l?.state === 'ready' && sameMembers([...l.members, ...(l.excluded ?? [])], f.active) && !l.endorsedSince)
    return { action: 'use' };
  if (l?.state === 'dealing') {
    const fresh = f.now - l.startedAt < CEREMONY_TIMEOUT_MS && f.dealerOnline;
    if (fresh && sameMembers(l.members, f.active)) return { action: 'wait' };
    return { action: 'start', abandon: true };
  }
  return { action: 'start', abandon: false };
}

/**
 * Whom to ask to deal, best first. Members only open a key dealt by a member they trust, so ask the
 * members most likely trusted by the others: those in the last ready epoch (their peers accepted
 * them), then the earliest enrolled (a consortium's founders before a newcomer nobody has endorsed yet).
 */
export function dealerOrder(candidates: { id: string; enrolledAt: number }[], lastEpochMembers: string[]): string[] {
  const previous = new Set(lastEpochMembers);
  return [...candidates]
    .sort(
      (a, b) =>
        Number(!previous.has(a.id)) - Number(!previous.has(b.id)) ||
        a.enrolledAt - b.enrolledAt ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((c) => c.id);
}
