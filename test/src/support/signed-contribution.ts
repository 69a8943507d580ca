import {
  proveContribution,
  type ContributionKind,
  type ContributionStatement,
  type FederationKey,
  type HeKeyHolder,
} from '@syndicate/protocol';
import type { AgentIdentity } from '@syndicate/participant';

/** What a light member (a test playing the agent) signs with each encrypted contribution, as the agent does. */
export function signedBy(
  identity: Pick<AgentIdentity, 'federationId' | 'participantId' | 'signingSecretKey'>,
  key: Pick<FederationKey, 'epochSecret' | 'keyEpoch'>,
  holder: HeKeyHolder,
  c: { roundId: string; kind: ContributionKind; payload: Uint8Array },
): ContributionStatement {
  return proveContribution({
    rt: holder.rt,
    epochSecret: key.epochSecret,
    signSecretKey: identity.signingSecretKey,
    federationId: identity.federationId,
    roundId: c.roundId,
    kind: c.kind,
    keyEpoch: key.keyEpoch,
    participantId: identity.participantId,
    payload: c.payload,
  });
}
