import {
  proveContribution,
  type ContributionKind,
  type ContributionStatement,
  type FederationKey,
  type HeKeyHolder,
  type UploadUpdateResponse__Output,
} from '@syndicate/protocol';
import type { AgentIdentity, CoordinatorClient } from '@syndicate/participant';

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

/** A light member's encrypted contribution, uploaded with its signed statement exactly as the agent sends it. */
export function uploadSigned(
  m: {
    identity: Pick<AgentIdentity, 'federationId' | 'participantId' | 'signingSecretKey'>;
    client: CoordinatorClient;
  },
  sealing: { key: Pick<FederationKey, 'epochSecret' | 'keyEpoch'>; holder: HeKeyHolder },
  c: { roundId: string; baseModelVersionId: string; kind: ContributionKind; payload: Buffer; numParams?: number },
): Promise<UploadUpdateResponse__Output> {
  return m.client.uploadUpdate({
    roundId: c.roundId,
    baseModelVersionId: c.baseModelVersionId,
    encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
    numParams: c.numParams ?? 0,
    numSamples: 0,
    payload: c.payload,
    kind: c.kind,
    keyEpoch: sealing.key.keyEpoch,
    statement: signedBy(m.identity, sealing.key, sealing.holder, c),
  });
}
