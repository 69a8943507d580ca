import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  ChunkAssembler,
  type ParticipantServiceHandlers,
  type PublishHeader__Output,
  type PublishModelRequest__Output,
  type PublishModelResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { RoundAccess } from '../contributions/round-access';
import { KeyCustodyService } from '../keys/key-custody.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { ChunkedReader } from './chunked-reader';
import { assertWithinLimit, reply, required } from './grpc-stream';
import { PublishedModelLimit } from './published-model-limit';

/** PublishModel: a member publishes the round's new global model, or a dealer re-seals the current one. */
@Injectable()
export class PublishHandlers {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly rounds: RoundAccess,
    private readonly keys: KeyCustodyService,
    private readonly reader: ChunkedReader,
    private readonly limit: PublishedModelLimit,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'PublishModel'> {
    return { PublishModel: (call, callback) => reply(this.log, 'PublishModel', this.publishModel(call), callback) };
  }

  private async publishModel(
    call: grpc.ServerReadableStream<PublishModelRequest__Output, PublishModelResponse>,
  ): Promise<PublishModelResponse> {
    let p!: Participant;
    const { header, payload } = await this.reader.read(
      call as AsyncIterable<PublishModelRequest__Output>,
      async (h: PublishHeader__Output) => {
        const env = required(h.envelope, 'header.envelope');
        const descriptor = required(h.payload, 'header.payload');
        p = await this.participants.authenticate(env, {
          federationId: required(env.federationId, 'envelope.federation_id'),
          phase: 'PHASE_PUBLISH',
          payloadSha256: descriptor.sha256,
        });
        const baseId = required(h.baseModelVersionId, 'header.base_model_version_id');
        const limits = { maxTotalBytes: await this.limit.maxTotalBytes(baseId) };
        assertWithinLimit(descriptor, limits.maxTotalBytes);
        return () => new ChunkAssembler(descriptor, limits);
      },
    );
    const env = header.envelope!;
    if (!env.roundId) {
      // No round: a dealer re-sealing the current model for its new key epoch.
      return {
        modelVersionId: await this.keys.acceptResealedModel(p, env.keyEpoch, header.baseModelVersionId, payload),
      };
    }
    const modelVersionId = await this.rounds.publishFromMember(p, {
      roundId: env.roundId,
      baseModelVersionId: header.baseModelVersionId,
      encoding: header.payload!.encoding,
      data: payload,
    });
    return { modelVersionId };
  }
}
