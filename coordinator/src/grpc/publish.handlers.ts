import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  modelConfirmationDigest,
  modelPayloadFloats,
  type ConfirmModelRequest__Output,
  type ConfirmModelResponse,
  type ParticipantServiceHandlers,
  type PublishHeader__Output,
  type PublishModelRequest__Output,
  type PublishModelResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { RoundAccess } from '../contributions/round-access';
import { FederationsService } from '../federations/federations.service';
import { KeyCustodyService } from '../keys/key-custody.service';
import { ModelsService } from '../models/models.service';
import type { Participant } from '../participants/participant.entity';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { ChunkedReader } from './chunked-reader';
import { reply, required } from './grpc-stream';

/**
 * PublishModel: a member publishes the round's new global model (held until another member confirms it),
 * or a dealer re-seals the current one. ConfirmModel: a member confirms the model it computed.
 */
@Injectable()
export class PublishHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly models: ModelsService,
    private readonly federations: FederationsService,
    private readonly keys: KeyCustodyService,
    private readonly reader: ChunkedReader,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'PublishModel' | 'ConfirmModel'> {
    return {
      PublishModel: (call, callback) => reply(this.log, 'PublishModel', this.publishModel(call), callback),
      ConfirmModel: (call, callback) => reply(this.log, 'unary', this.confirmModel(call.request), callback),
    };
  }

  private async confirmModel(r: ConfirmModelRequest__Output): Promise<ConfirmModelResponse> {
    const env = required(r.envelope, 'envelope');
    const round = await this.rounds.get(required(env.roundId, 'envelope.round_id'));
    const signature = Buffer.from(r.signature ?? []);
    const p = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_CONFIRM_MODEL',
      payloadSha256: modelConfirmationDigest(signature),
    });
    const modelVersionId = await this.rounds.confirmModel(p, {
      roundId: round.id,
      baseModelVersionId: required(r.baseModelVersionId, 'base_model_version_id'),
      modelSha256: Buffer.from(r.modelSha256 ?? []),
      signature,
    });
    return { modelVersionId };
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
        const base = await this.models.summary(required(h.baseModelVersionId, 'header.base_model_version_id'));
        // A sealed model adds a fixed 48-byte frame to the float32 bytes; fedadam/fedyogi payloads carry their moments too.
        const floats = modelPayloadFloats(await this.federations.planOf(base.federationId));
        return { descriptor, maxBytes: floats * 4 + 48 };
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
