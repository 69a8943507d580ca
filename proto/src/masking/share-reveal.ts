import { describeSession, sameSession, type MaskSession } from './mask-session';
import { refuse, type MaskingVerdict } from './masking-rejection';
import type { OpenedShares } from './seed-shares';
import { canonicalSurvivors } from './survivor-set';

/** Which of a peer's shares a member reveals: its self-mask seed's (the peer survived) or its mask key's (it dropped). */
export type ShareKind = 'self-mask' | 'mask-key';

export interface RevealRequest {
  session: MaskSession;
  /** The survivor set the request acts on. */
  survivors: readonly string[];
  asks: readonly { peerId: string; kind: ShareKind }[];
}

/** What a member knows of one session when asked to reveal; `revealed` is persisted so a restart cannot forget it. */
export interface RevealState {
  session: MaskSession;
  selfId: string;
  threshold: number;
  /** The members whose adverts this member masked with (the session's committed set). */
  committed: ReadonlySet<string>;
  /** Shares this member holds, by the peer that dealt them (its own included): its neighbours on a sparse graph. */
  holdings: ReadonlyMap<string, OpenedShares>;
  /** The survivor set this member signed after checking every survivor signed it; null before that. */
  signedSurvivors: readonly string[] | null;
  /** Kinds already revealed, by peer. */
  revealed: ReadonlyMap<string, ShareKind>;
}

export interface Reveal {
  peerId: string;
  kind: ShareKind;
  share: Uint8Array;
}

/** The only kind a survivor set allows for a peer. */
export const kindFor = (survivors: readonly string[], peerId: string): ShareKind =>
  survivors.includes(peerId) ? 'self-mask' : 'mask-key';

/**
 * Checks a reveal request against the survivor set this member signed and what it revealed before,
 * and returns the shares to send: for each peer the self-mask share if it survived or the mask-key
 * share if it dropped, never both, and nothing at all when fewer than `threshold` of this member's
 * share holders survived (then a dropped member's pair masks could not be rebuilt anyway, and any
 * reveal would only help a coordinator unmask someone).
 */
export function checkReveal(req: RevealRequest, s: RevealState): MaskingVerdict<{ reveals: Reveal[] }> {
  const where = describeSession(s.session);
  if (!sameSession(req.session, s.session)) {
    return refuse('SURVIVOR_SET_MISMATCH', `a reveal for the ${describeSession(req.session)} reached the ${where}`);
  }
  const survivors = canonicalSurvivors(req.survivors);
  const signed = s.signedSurvivors;
  if (!signed || signed.length !== survivors.length || signed.some((id, i) => id !== survivors[i])) {
    return refuse(
      'SURVIVOR_SET_MISMATCH',
      signed
        ? `${where}: the request acts on survivors [${survivors.join(', ')}], this member signed [${signed.join(', ')}]`
        : `${where}: this member has not signed a survivor set every survivor signed`,
    );
  }
  const stranger = survivors.find((id) => !s.committed.has(id));
  if (stranger) {
    return refuse('SURVIVOR_SET_MISMATCH', `${where}: survivor ${stranger} took no part in the session's key exchange`);
  }
  // This member's neighbourhood (everyone, on the complete graph) must keep a threshold of holders.
  const near = survivors.filter((id) => s.holdings.has(id)).length;
  if (near < s.threshold) {
    return refuse(
      'TOO_FEW_SURVIVORS',
      `${where}: ${near} of this member's share holders survived, the threshold is ${s.threshold}`,
    );
  }
  const asked = new Map<string, ShareKind>();
  const reveals: Reveal[] = [];
  for (const { peerId, kind } of req.asks) {
    const held = s.holdings.get(peerId);
    if (!held) return refuse('MASK_SHARE_UNKNOWN_PEER', `${where}: member ${peerId} dealt this member no shares`);
    const allowed = kindFor(survivors, peerId);
    const before = s.revealed.get(peerId) ?? asked.get(peerId);
    if (kind !== allowed || (before !== undefined && before !== kind)) {
      return refuse(
        'MASK_BOTH_SHARES_REQUESTED',
        `${where}: asked for the ${kind} share of ${peerId}, which ${
          before && before !== kind
            ? `already had its ${before} share revealed`
            : `is ${allowed === 'self-mask' ? 'a survivor' : 'dropped'}`
        }: the two kinds together would unmask it`,
      );
    }
    if (asked.has(peerId)) continue;
    asked.set(peerId, kind);
    reveals.push({ peerId, kind, share: kind === 'self-mask' ? held.selfShare : held.keyShare });
  }
  return { ok: true, reveals };
}

/**
 * A peer this member already revealed one kind of share of, that `survivors` would now have it reveal
 * the other kind of: a coordinator changing its story after the reveal, to collect both and unmask it.
 */
export function bothKindsAsked(
  survivors: readonly string[],
  revealed: ReadonlyMap<string, ShareKind>,
): { peerId: string; revealed: ShareKind; asked: ShareKind } | null {
  for (const [peerId, kind] of revealed) {
    const asked = kindFor(survivors, peerId);
    if (asked !== kind) return { peerId, revealed: kind, asked };
  }
  return null;
}
