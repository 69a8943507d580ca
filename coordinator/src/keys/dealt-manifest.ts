import { checkEpochManifest, type EpochManifest, type MemberCard } from '@syndicate/protocol';
import { SyndicateError } from '../common/syndicate-error';

export interface DealtEpoch {
  federationId: string;
  epoch: number;
  parameterSet: string;
  /** The members the coordinator asked the dealer to seal to. */
  memberIds: readonly string[];
}

export interface DealtSubmission {
  manifest: EpochManifest | null;
  signature: Uint8Array;
  wrappedKey: Uint8Array;
  shareIds: readonly string[];
  excludedIds: readonly string[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sameCard = (a: MemberCard, b: MemberCard) =>
  hex(a.signPublicKey) === hex(b.signPublicKey) &&
  hex(a.boxPublicKey) === hex(b.boxPublicKey) &&
  hex(a.boxKeySignature) === hex(b.boxKeySignature);

const bad = (reason: ConstructorParameters<typeof SyndicateError>[1], message: string) =>
  new SyndicateError('INVALID_ARGUMENT', reason, message);

/**
 * The coordinator's check of a dealer's signed manifest before it keeps the shares: signed with the
 * dealer's enrolled key, naming only members enrolled with the keys the coordinator holds, and matching
 * the shares exactly. Members check the manifest again against their own trust; this check only keeps
 * a broken or forged epoch out of custody. Returns the epoch's members: the manifest's, sorted.
 */
export function checkDealtManifest(
  e: DealtEpoch,
  dealer: MemberCard,
  enrolled: ReadonlyMap<string, MemberCard>,
  s: DealtSubmission,
): string[] {
  const m = s.manifest;
  if (!m) throw bad('MANIFEST_MISSING', `key shares for epoch ${e.epoch} must come with the dealer's signed manifest`);
  if (m.dealerParticipantId !== dealer.participantId) {
    throw new SyndicateError(
      'PERMISSION_DENIED',
      'NOT_THE_DEALER',
      `the manifest names ${m.dealerParticipantId} as dealer; epoch ${e.epoch} was asked of ${dealer.participantId}`,
    );
  }
  const verdict = checkEpochManifest(m, s.signature, {
    federationId: e.federationId,
    keyEpoch: e.epoch,
    parameterSet: e.parameterSet,
    self: dealer,
    wrappedKey: s.wrappedKey,
    whyUntrusted: (card) => {
      const known = enrolled.get(card.participantId);
      if (!known || !e.memberIds.includes(card.participantId)) return 'not a member this ceremony named';
      return sameCard(known, card) ? null : 'its keys differ from the ones it enrolled with';
    },
  });
  if (!verdict.ok) throw bad(verdict.code, `key epoch ${e.epoch}: ${verdict.message}`);
  const members = m.members.map((c) => c.participantId).sort();
  const given = [...s.shareIds].sort();
  if (given.length !== members.length || given.some((id, i) => id !== members[i])) {
    throw bad(
      'KEY_SHARES_INCOMPLETE',
      `key shares must cover exactly the manifest's members (${members.join(', ')}); got ${given.join(', ') || 'none'}`,
    );
  }
  const left = e.memberIds.filter((id) => !members.includes(id)).sort();
  const excluded = [...s.excludedIds].sort();
  if (left.length !== excluded.length || left.some((id, i) => id !== excluded[i])) {
    throw bad(
      'KEY_SHARES_INCOMPLETE',
      `excluded members must be exactly those named but not in the manifest (${left.join(', ') || 'none'}); got ${excluded.join(', ') || 'none'}`,
    );
  }
  return members;
}
