import { AGREEING_REPORTS } from '../common/report-agreement';
import type { Round } from './round.entity';

/** What the coordinator holds for a secure round's publication: the upload and members' confirmed digests. */
export interface PublicationFacts {
  pending: { publisherId: string; payloadSha256: string | null } | null;
  confirmations: readonly { participantId: string; modelSha256: string }[];
}

export type PublicationVerdict =
  { kind: 'record'; sha256: string; confirmedBy: string[] } | { kind: 'wait'; why: string };

/**
 * Pure: the publisher's model is recorded once AGREEING_REPORTS members (the same rule as figures)
 * confirmed one digest, and that digest is bound to the upload: the coordinator hashes a model
 * published in the clear itself; a sealed one it cannot open, so the publisher's own signed
 * confirmation must be among them (and members refuse to train on a sealed model that differs).
 */
export function judgePublication(f: PublicationFacts): PublicationVerdict {
  if (!f.pending) return { kind: 'wait', why: 'no member has published the model yet' };
  const digests = new Set(f.confirmations.map((c) => c.modelSha256));
  if (digests.size > 1) return { kind: 'wait', why: 'members confirmed different models' };
  const [sha256] = digests;
  const confirmedBy = f.confirmations.map((c) => c.participantId);
  if (!sha256 || confirmedBy.length < AGREEING_REPORTS)
    return { kind: 'wait', why: `${confirmedBy.length} of ${AGREEING_REPORTS} members confirmed the model` };
  const bound =
    f.pending.payloadSha256 !== null ? f.pending.payloadSha256 === sha256 : confirmedBy.includes(f.pending.publisherId);
  if (!bound) return { kind: 'wait', why: 'the published model is not the one members confirmed' };
  return { kind: 'record', sha256, confirmedBy };
}

/**
 * When a publication still unconfirmed fails the round: as long after the round closed as the round
 * itself was given to collect (a paused round's deadlines moved with it).
 */
export const publicationDeadline = (round: Pick<Round, 'closedAt' | 'deadlineAt' | 'openedAt'>): number =>
  (round.closedAt ?? round.deadlineAt) + Math.max(0, round.deadlineAt - round.openedAt);
