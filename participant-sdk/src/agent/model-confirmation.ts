import {
  CLIENT_CHANNEL_OPTIONS,
  loadProtocol,
  modelConfirmationDigest,
  signEnvelope,
  signModelConfirmation,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import { callError } from './rpc-calls';
import { payloadSha256 } from './round-memory';
import { channelCredentials } from './transport';

/**
 * Tells the coordinator, in a signed statement, the SHA-256 of the model this member computed from
 * a round's sum. The publisher's model is recorded only once another member confirms the same, so
 * one member (or the coordinator) cannot impose a model. Returns the recorded version, '' while the
 * publication waits for another member. A channel of its own, closed after (one call per round).
 */
export function confirmModel(
  identity: AgentIdentity,
  o: { roundId: string; keyEpoch: number; baseModelVersionId: string; payload: Float32Array },
): Promise<string> {
  const statement = signModelConfirmation(
    {
      federationId: identity.federationId,
      roundId: o.roundId,
      baseModelVersionId: o.baseModelVersionId,
      participantId: identity.participantId,
      modelSha256: Buffer.from(payloadSha256(o.payload), 'hex'),
    },
    identity.signingSecretKey,
  );
  const envelope = signEnvelope(
    {
      participantId: identity.participantId,
      federationId: identity.federationId,
      roundId: o.roundId,
      phase: 'PHASE_CONFIRM_MODEL',
      keyEpoch: o.keyEpoch,
      payloadSha256: modelConfirmationDigest(statement.signature),
    },
    identity.signingSecretKey,
  );
  const Ctor = loadProtocol().syndicate.v1.ParticipantService;
  const client = new Ctor(identity.coordinator, channelCredentials(identity.transport), CLIENT_CHANNEL_OPTIONS);
  return new Promise<string>((resolve, reject) =>
    client.ConfirmModel(
      {
        envelope,
        baseModelVersionId: o.baseModelVersionId,
        modelSha256: statement.modelSha256,
        signature: statement.signature,
      },
      { deadline: Date.now() + 60_000 },
      (err, res) => (err ? reject(callError('ConfirmModel', err)) : resolve(res?.modelVersionId ?? '')),
    ),
  ).finally(() => client.close());
}
