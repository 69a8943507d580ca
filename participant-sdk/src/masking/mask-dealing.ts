import nacl from 'tweetnacl';
import {
  dealShares,
  newMaskKeyPair,
  selfSeedCommitment,
  signMaskKeyAdvert,
  type MaskSession,
} from '@syndicate/protocol';
import type { MaskCall } from '../agent/mask-calls';
import type { AgentIdentity } from '../crypto/identity-store';

/** This member's secrets for one masked sum. */
export interface MaskSecrets {
  selfSeed: Uint8Array;
  maskPublicKey: Uint8Array;
  maskSecretKey: Uint8Array;
}

type Advertise = Extract<MaskCall, { step: 'advertise' }>;

/** What a member sends when it joins a masked sum: its signed advert and its shares, and the secrets behind them. */
export interface DealtMask {
  secrets: MaskSecrets;
  advert: Advertise['advert'];
  shares: Advertise['shares'];
}

/**
 * Draws a fresh mask key pair and self-mask seed for the sum, signs the advert of both, and deals
 * Shamir shares of the two secrets, each sealed to its holder's box key.
 */
export async function dealMask(
  identity: AgentIdentity,
  session: MaskSession,
  threshold: number,
  holders: { participantId: string; boxPublicKey: Uint8Array }[],
): Promise<DealtMask> {
  const pair = newMaskKeyPair();
  const secrets = { selfSeed: nacl.randomBytes(32), maskPublicKey: pair.publicKey, maskSecretKey: pair.secretKey };
  const shares = await dealShares({
    session,
    selfId: identity.participantId,
    secrets: { selfSeed: secrets.selfSeed, maskSecretKey: secrets.maskSecretKey },
    threshold,
    holders,
    senderBoxSecretKey: identity.boxSecretKey,
  });
  const advert = signMaskKeyAdvert(
    {
      session,
      participantId: identity.participantId,
      maskPublicKey: secrets.maskPublicKey,
      selfSeedCommitment: selfSeedCommitment(session, identity.participantId, secrets.selfSeed),
    },
    identity.signingSecretKey,
  );
  return { secrets, advert, shares };
}
