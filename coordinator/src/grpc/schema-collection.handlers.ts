import { Inject, Injectable } from '@nestjs/common';
import {
  schemaCollectionDigest,
  type ParticipantServiceHandlers,
  type SchemaCollectionRequest__Output,
  type SchemaCollectionResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { SchemaCollectionService } from '../schema-collection/schema-collection.service';
import { SchemaContributionsService } from '../schema-collection/schema-contributions.service';
import { reply, required } from './grpc-stream';

/** SchemaCollection: a member reads a schema collection, sends its tags, then its encrypted tally. */
@Injectable()
export class SchemaCollectionHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly collections: SchemaCollectionService,
    private readonly contributions: SchemaContributionsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'SchemaCollection'> {
    return {
      SchemaCollection: (call, callback) => reply(this.log, 'unary', this.step(call.request), callback),
    };
  }

  private async step(r: SchemaCollectionRequest__Output): Promise<SchemaCollectionResponse> {
    const env = required(r.envelope, 'envelope');
    const federationId = required(env.federationId, 'envelope.federation_id');
    const c = env.roundId
      ? await this.collections.get(federationId, env.roundId)
      : await this.collections.latest(federationId);
    const p = await this.participants.authenticate(env, {
      federationId: c.federationId,
      roundId: env.roundId,
      phase: 'PHASE_SCHEMA',
      payloadSha256: schemaCollectionDigest(r.step, r.namesJson, r.payload),
    });
    if (r.step === 'names') await this.contributions.names(c, p, r.namesJson);
    else if (r.step === 'tally') await this.contributions.tally(c, p, r.payload, r.statement);
    else if (r.step !== 'status')
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'SCHEMA_COLLECTION_STEP',
        `unknown step ${JSON.stringify(r.step)}: status, names or tally`,
      );
    return this.contributions.response(await this.collections.get(c.federationId, c.id));
  }
}
