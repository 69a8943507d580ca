import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  describePayload,
  downloadDigest,
  splitIntoChunks,
  type DownloadModelRequest__Output,
  type DownloadModelResponse,
  type ParticipantServiceHandlers,
  type PayloadEncoding,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { ModelsService } from '../models/models.service';
import { ModelAliases } from '../models/model-aliases.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { required, serveStream, writeMessage } from './grpc-stream';

/** DownloadModel: a model version of the member's own federation, chunked. */
@Injectable()
export class ModelDownloadHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly models: ModelsService,
    private readonly aliases: ModelAliases,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'DownloadModel'> {
    return { DownloadModel: (call) => void serveStream(this.log, 'DownloadModel', call, () => this.download(call)) };
  }

  private async download(
    call: grpc.ServerWritableStream<DownloadModelRequest__Output, DownloadModelResponse>,
  ): Promise<void> {
    const env = call.request.envelope;
    const requested = required(call.request.modelVersionId, 'model_version_id');
    const p = await this.participants.authenticate(env, {
      federationId: required(env?.federationId, 'envelope.federation_id'),
      phase: 'PHASE_DOWNLOAD',
      payloadSha256: downloadDigest(requested),
    });
    // 'champion' (chosen on federated validation) and 'latest' let a member pull without knowing the id.
    const modelVersionId = await this.aliases.resolve(p.federationId, requested);
    const model = await this.models.withData(modelVersionId);
    if (model.federationId !== p.federationId) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'MODEL_NOT_IN_FEDERATION',
        `model ${modelVersionId} does not belong to your federation`,
      );
    }
    const payload = describePayload(model.data, model.encoding as PayloadEncoding, model.numParams);
    await writeMessage(call, { header: { modelVersionId: model.id, roundNumber: model.roundNumber, payload } });
    for (const chunk of splitIntoChunks(model.data)) await writeMessage(call, { chunk });
    call.end();
  }
}
