import { sha256 } from '../wire/sha256';
import { boxKeySignatureValid, type MemberCard } from './member-card';
import { signStatement, verifyStatement, type StatementField } from './signed-statement';

const MANIFEST_DOMAIN = 'syndicate.v1.epoch-manifest';

/**
 * What a key epoch is: signed by the member that dealt it. A member opens its share only when
 * the dealer and every member named here are members it trusts, so a coordinator can neither
 * deal a key itself nor slip its own box key into the list the dealer seals to.
 */
export interface EpochManifest {
  federationId: string;
  keyEpoch: number;
  parameterSet: string;
  /** Sorted by participantId; every member's card carries its self-signed box key. */
  members: MemberCard[];
  wrappedKeySha256: Uint8Array;
  dealerParticipantId: string;
}

function fields(m: EpochManifest): StatementField[] {
  const members = [...m.members].sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
  return [
    m.federationId,
    m.keyEpoch,
    m.parameterSet,
    m.dealerParticipantId,
    m.wrappedKeySha256,
    members.length,
    ...members.flatMap((c) => [c.participantId, c.signPublicKey, c.boxPublicKey, c.boxKeySignature]),
  ];
}

export function signEpochManifest(m: EpochManifest, dealerSignSecretKey: Uint8Array): Uint8Array {
  return signStatement(MANIFEST_DOMAIN, fields(m), dealerSignSecretKey);
}

export type ManifestRejection =
  | 'MANIFEST_WRONG_EPOCH'
  | 'MANIFEST_BAD_SIGNATURE'
  | 'MANIFEST_DEALER_NOT_MEMBER'
  | 'MANIFEST_UNTRUSTED_DEALER'
  | 'MANIFEST_UNTRUSTED_MEMBER'
  | 'MANIFEST_BAD_BOX_KEY'
  | 'MANIFEST_DUPLICATE_MEMBER'
  | 'MANIFEST_SELF_MISSING'
  | 'MANIFEST_WRAPPED_KEY_MISMATCH';

export type ManifestVerdict = { ok: true } | { ok: false; code: ManifestRejection; message: string };

export interface ManifestExpectation {
  federationId: string;
  keyEpoch: number;
  parameterSet: string;
  /** This member, as it knows itself: the manifest must carry exactly these keys for it. */
  self: { participantId: string; signPublicKey: Uint8Array; boxPublicKey: Uint8Array };
  /** The wrapped key the share came with. */
  wrappedKey?: Uint8Array;
  /** This bank's trust policy: null when trusted, otherwise why not. */
  whyUntrusted(card: MemberCard): string | null;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Checks a manifest against what this member knows and trusts; every rejection says which member and why. */
export function checkEpochManifest(m: EpochManifest, signature: Uint8Array, x: ManifestExpectation): ManifestVerdict {
  const no = (code: ManifestRejection, message: string): ManifestVerdict => ({ ok: false, code, message });
  if (m.federationId !== x.federationId || m.keyEpoch !== x.keyEpoch || m.parameterSet !== x.parameterSet) {
    return no(
      'MANIFEST_WRONG_EPOCH',
      `manifest is for ${m.federationId} epoch ${m.keyEpoch} (${m.parameterSet}); expected ${x.federationId} epoch ${x.keyEpoch} (${x.parameterSet})`,
    );
  }
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const c of m.members) {
    const k = Buffer.from(c.signPublicKey).toString('hex');
    if (ids.has(c.participantId) || keys.has(k)) {
      return no('MANIFEST_DUPLICATE_MEMBER', `member ${c.participantId} appears twice (by id or by signing key)`);
    }
    ids.add(c.participantId);
    keys.add(k);
  }
  const dealer = m.members.find((c) => c.participantId === m.dealerParticipantId);
  if (!dealer) return no('MANIFEST_DEALER_NOT_MEMBER', `dealer ${m.dealerParticipantId} is not a member of the epoch`);
  const dealerWhy = x.whyUntrusted(dealer);
  if (dealerWhy)
    return no('MANIFEST_UNTRUSTED_DEALER', `dealer ${dealer.displayName} (${dealer.participantId}): ${dealerWhy}`);
  if (!verifyStatement(MANIFEST_DOMAIN, fields(m), signature, dealer.signPublicKey)) {
    return no('MANIFEST_BAD_SIGNATURE', `the manifest is not signed by its dealer ${dealer.participantId}`);
  }
  for (const c of m.members) {
    if (!boxKeySignatureValid(c)) {
      return no(
        'MANIFEST_BAD_BOX_KEY',
        `member ${c.displayName} (${c.participantId}): box key not signed by its own key`,
      );
    }
    const why = x.whyUntrusted(c);
    if (why) return no('MANIFEST_UNTRUSTED_MEMBER', `member ${c.displayName} (${c.participantId}): ${why}`);
  }
  const me = m.members.find((c) => c.participantId === x.self.participantId);
  if (!me || !same(me.signPublicKey, x.self.signPublicKey) || !same(me.boxPublicKey, x.self.boxPublicKey)) {
    return no(
      'MANIFEST_SELF_MISSING',
      `this member (${x.self.participantId}) is not in the manifest with its own keys`,
    );
  }
  if (x.wrappedKey && !same(sha256(x.wrappedKey), m.wrappedKeySha256)) {
    return no('MANIFEST_WRAPPED_KEY_MISMATCH', 'the wrapped key differs from the one the dealer signed');
  }
  return { ok: true };
}
