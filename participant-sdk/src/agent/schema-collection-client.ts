import {
  schemaCollectionDigest,
  signEnvelope,
  statementToWire,
  type ContributionStatement,
  type ParticipantServiceClient,
  type SchemaCollectionResponse__Output,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import { createChannelClient } from './coordinator-client';
import { callError } from './rpc-calls';

export type SchemaCollectionState = SchemaCollectionResponse__Output;

/** The member's calls in a schema collection, each signed (phase PHASE_SCHEMA, bound to the collection). */
export class SchemaCollectionClient {
  private readonly client: ParticipantServiceClient;

  constructor(private readonly identity: AgentIdentity) {
    this.client = createChannelClient(identity.coordinator, identity.transport);
  }

  status(collectionId = ''): Promise<SchemaCollectionState> {
    return this.call(collectionId, 'status');
  }

  sendNames(collectionId: string, namesJson: string): Promise<SchemaCollectionState> {
    return this.call(collectionId, 'names', namesJson);
  }

  sendTally(collectionId: string, payload: Buffer, statement: ContributionStatement): Promise<SchemaCollectionState> {
    return this.call(collectionId, 'tally', '', payload, statement);
  }

  close(): void {
    this.client.close();
  }

  private call(
    collectionId: string,
    step: string,
    namesJson = '',
    payload: Buffer = Buffer.alloc(0),
    statement?: ContributionStatement,
  ): Promise<SchemaCollectionState> {
    const envelope = signEnvelope(
      {
        participantId: this.identity.participantId,
        federationId: this.identity.federationId,
        roundId: collectionId,
        phase: 'PHASE_SCHEMA',
        keyEpoch: this.identity.keyEpoch,
        payloadSha256: schemaCollectionDigest(step, namesJson, payload),
      },
      this.identity.signingSecretKey,
    );
    const wire = statement && statementToWire(statement);
    return new Promise((resolve, reject) =>
      this.client.SchemaCollection(
        { envelope, step, namesJson, payload, statement: wire },
        { deadline: Date.now() + 60_000 },
        (err, res) => (err ? reject(callError('SchemaCollection', err)) : resolve(res!)),
      ),
    );
  }
}
