import {
  checkEpochManifest,
  openKeyShare,
  sha256,
  signEpochManifest,
  type EpochManifest,
  type FederationKey,
  type MemberCard,
} from '@syndicate/protocol';
import type { MemberTrust } from '../trust/member-trust';
import { TrustRefusal } from '../trust/trust-refusal';
import type { AgentIdentity } from './identity-store';

export interface SharePackage {
  keyEpoch: number;
  parameterSet: string;
  nonce: Uint8Array;
  sealedKey: Uint8Array;
  wrappedKey: Uint8Array;
  manifest: EpochManifest | null;
  manifestSignature: Uint8Array;
}

/** A key for fewer banks lets them learn each other's contributions by subtraction. */
export const MIN_KEY_MEMBERS = 3;

/**
 * Opens this member's key share only under a manifest signed by a dealer this bank trusts and naming
 * only members it trusts; the dealer's box key comes from that manifest, never from the reply around it.
 */
export async function openTrustedShare(
  share: SharePackage,
  identity: AgentIdentity,
  trust: MemberTrust,
): Promise<FederationKey> {
  if (!share.manifest) {
    throw new TrustRefusal(
      'MANIFEST_MISSING',
      `key epoch ${share.keyEpoch} comes without a signed manifest; refusing to open it`,
    );
  }
  // Refresh once so members enrolled or endorsed since the last look are judged on current endorsements.
  await trust.refresh();
  const verdict = checkEpochManifest(share.manifest, share.manifestSignature, {
    federationId: identity.federationId,
    keyEpoch: share.keyEpoch,
    parameterSet: share.parameterSet,
    self: {
      participantId: identity.participantId,
      signPublicKey: identity.signingPublicKey,
      boxPublicKey: identity.boxPublicKey,
    },
    wrappedKey: share.wrappedKey,
    whyUntrusted: (card) => trust.whyUntrusted(card),
  });
  if (!verdict.ok) throw new TrustRefusal(verdict.code, `key epoch ${share.keyEpoch}: ${verdict.message}`);
  if (share.manifest.members.length < MIN_KEY_MEMBERS) {
    // Even a trusted dealer gets no key for 1 or 2 banks: they would read each other's sums.
    throw new TrustRefusal(
      'KEY_EPOCH_TOO_FEW_TRUSTED',
      `key epoch ${share.keyEpoch} names ${share.manifest.members.length} member(s); at least ${MIN_KEY_MEMBERS} are needed`,
    );
  }
  const dealer = share.manifest.members.find((m) => m.participantId === share.manifest!.dealerParticipantId)!;
  return openKeyShare(
    { nonce: share.nonce, box: share.sealedKey },
    {
      parameterSet: share.parameterSet,
      keyEpoch: share.keyEpoch,
      dealerBoxPublicKey: dealer.boxPublicKey,
      wrappedKey: share.wrappedKey,
    },
    identity.boxSecretKey,
  );
}

/** The dealer's signed statement of whom it sealed an epoch's key to. */
export function signDealtManifest(args: {
  identity: AgentIdentity;
  keyEpoch: number;
  parameterSet: string;
  members: MemberCard[];
  wrappedKey: Uint8Array;
}): { manifest: EpochManifest; signature: Uint8Array } {
  const manifest: EpochManifest = {
    federationId: args.identity.federationId,
    keyEpoch: args.keyEpoch,
    parameterSet: args.parameterSet,
    members: [...args.members].sort((a, b) => (a.participantId < b.participantId ? -1 : 1)),
    wrappedKeySha256: sha256(args.wrappedKey),
    dealerParticipantId: args.identity.participantId,
  };
  return { manifest, signature: signEpochManifest(manifest, args.identity.signingSecretKey) };
}
