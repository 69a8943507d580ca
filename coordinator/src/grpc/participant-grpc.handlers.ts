import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  ChunkAssembler,
  describePayload,
  modelLayout,
  downloadDigest,
  evaluationDigest,
  subscribeDigest,
  splitIntoChunks,
  WireFormatError,
  type DownloadModelRequest__Output,
  type DownloadModelResponse,
  type EnrollRequest__Output,
  type EnrollResponse,
  type ParticipantServiceHandlers,
  type SubmitEvaluationRequest__Output,
  type SubmitEvaluationResponse,
  type SubscribeRequest__Output,
  type SubscribeResponse,
  type UploadUpdateRequest__Output,
  type UploadUpdateResponse,
} from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { SyndicateError, toGrpcError } from '../common/syndicate-error';
import { CONFIG, LOGGER } from '../common/tokens';
import { EvaluationService } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import { ParticipantsService } from '../participants/participants.service';
import { RoundsService } from '../rounds/rounds.service';
import { TaskHub } from '../participants/task-hub';

const HEARTBEAT_MS = 20_000;

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || value === '') {
    throw new SyndicateError('INVALID_ARGUMENT', 'MISSING_FIELD', `${field} is required`);
  }
  return value;
}

function wireError(err: unknown): unknown {
  return err instanceof WireFormatError ? new SyndicateError('INVALID_ARGUMENT', `WIRE_${err.code}`, err.message) : err;
}

/**
 * The participant-facing gRPC service. Thin: it validates at the edge and
 * delegates to the feature services, which own every rule.
 */
@Injectable()
export class ParticipantGrpcHandlers {
  constructor(
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly rounds: RoundsService,
    private readonly models: ModelsService,
    private readonly aggregation: AggregationService,
    private readonly evaluation: EvaluationService,
    private readonly hub: TaskHub,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): ParticipantServiceHandlers {
    return {
      Enroll: (call, callback) => this.unary(call.request, callback, (r) => this.enroll(r)),
      Subscribe: (call) => void this.subscribe(call),
      DownloadModel: (call) => void this.download(call),
      UploadUpdate: (call, callback) => {
        this.upload(call).then(
          (res) => callback(null, res),
          (err) => {
            this.logRefusal('UploadUpdate', err);
            callback(toGrpcError(wireError(err)));
          },
        );
      },
      SubmitEvaluation: (call, callback) => this.unary(call.request, callback, (r) => this.submitEvaluation(r)),
    };
  }

  private unary<Req, Res>(request: Req, callback: grpc.sendUnaryData<Res>, work: (r: Req) => Promise<Res>): void {
    work(request).then(
      (res) => callback(null, res),
      (err) => {
        this.logRefusal('unary', err);
        callback(toGrpcError(wireError(err)));
      },
    );
  }

  private logRefusal(rpc: string, err: unknown): void {
    if (err instanceof SyndicateError) this.log.warn({ rpc, reason: err.reason }, err.message);
    else if (!(err instanceof WireFormatError)) this.log.error({ rpc, err }, 'unexpected error');
  }

  private async enroll(r: EnrollRequest__Output): Promise<EnrollResponse> {
    const federation = await this.federations.entity(required(r.federationId, 'federation_id'));
    const p = await this.participants.enroll({
      federationId: federation.id,
      token: required(r.enrollmentToken, 'enrollment_token'),
      signingPublicKey: r.signingPublicKey,
      boxPublicKey: r.boxPublicKey,
    });
    return { participantId: p.id, federationId: federation.id, planJson: federation.planJson, keyEpoch: federation.keyEpoch };
  }

  private async subscribe(call: grpc.ServerWritableStream<SubscribeRequest__Output, SubscribeResponse>): Promise<void> {
    try {
      const env = call.request.envelope;
      const p = await this.participants.authenticate(env, {
        federationId: required(env?.federationId, 'envelope.federation_id'),
        phase: 'PHASE_SUBSCRIBE',
        payloadSha256: subscribeDigest(),
      });
      const detach = this.hub.attach(p.id, p.federationId, {
        send: (task) => call.write({ task }),
        close: () => call.end(),
      });
      const heartbeat = setInterval(() => call.write({ heartbeat: { serverTimeUnixMs: String(this.clock.now()) } }), HEARTBEAT_MS);
      heartbeat.unref();
      const cleanup = () => {
        clearInterval(heartbeat);
        detach();
        this.log.info({ participantId: p.id }, 'agent disconnected');
      };
      call.on('cancelled', cleanup);
      call.on('close', cleanup);
      call.on('error', cleanup);
      this.log.info({ federationId: p.federationId, participantId: p.id, agentVersion: call.request.agentVersion }, 'agent connected');
      call.write({ heartbeat: { serverTimeUnixMs: String(this.clock.now()) } });
      await this.rounds.onSubscribe(p);
    } catch (err) {
      this.logRefusal('Subscribe', err);
      // grpc-js sends a server stream's status on 'error'; destroy() would drop it and leave the client waiting.
      call.emit('error', toGrpcError(wireError(err)));
    }
  }

  private async download(call: grpc.ServerWritableStream<DownloadModelRequest__Output, DownloadModelResponse>): Promise<void> {
    try {
      const env = call.request.envelope;
      const modelVersionId = required(call.request.modelVersionId, 'model_version_id');
      const p = await this.participants.authenticate(env, {
        federationId: required(env?.federationId, 'envelope.federation_id'),
        phase: 'PHASE_DOWNLOAD',
        payloadSha256: downloadDigest(modelVersionId),
      });
      const model = await this.models.withData(modelVersionId);
      if (model.federationId !== p.federationId) {
        throw new SyndicateError('PERMISSION_DENIED', 'MODEL_NOT_IN_FEDERATION', `model ${modelVersionId} does not belong to your federation`);
      }
      const payload = describePayload(model.data, 'PAYLOAD_ENCODING_FLOAT32_LE', model.numParams);
      await this.write(call, { header: { modelVersionId: model.id, roundNumber: model.roundNumber, payload } });
      for (const chunk of splitIntoChunks(model.data)) await this.write(call, { chunk });
      call.end();
    } catch (err) {
      this.logRefusal('DownloadModel', err);
      call.emit('error', toGrpcError(wireError(err)));
    }
  }

  /** Respects HTTP/2 flow control: a slow bank link must not make us buffer the whole model. */
  private write<T>(call: grpc.ServerWritableStream<unknown, T>, message: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (call.cancelled) return reject(new SyndicateError('INTERNAL', 'CANCELLED', 'client went away'));
      if (call.write(message)) return resolve();
      call.once('drain', resolve);
    });
  }

  private async upload(call: grpc.ServerReadableStream<UploadUpdateRequest__Output, UploadUpdateResponse>): Promise<UploadUpdateResponse> {
    const iterator = (call as AsyncIterable<UploadUpdateRequest__Output>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.part !== 'header' || !first.value.header) {
      throw new SyndicateError('INVALID_ARGUMENT', 'HEADER_FIRST', 'an upload must start with its header message');
    }
    const header = first.value.header;
    const env = required(header.envelope, 'header.envelope');
    const descriptor = required(header.payload, 'header.payload');
    const round = await this.rounds.get(required(env.roundId, 'envelope.round_id'));
    const participant = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_UPLOAD',
      payloadSha256: descriptor.sha256,
    });
    if (round.state !== 'collecting') {
      throw new SyndicateError('FAILED_PRECONDITION', 'ROUND_NOT_COLLECTING', `round ${round.number} is ${round.state} and no longer accepts updates`);
    }
    if (header.baseModelVersionId !== round.baseModelVersionId) {
      throw new SyndicateError('FAILED_PRECONDITION', 'STALE_BASE_MODEL', `update was trained from model ${header.baseModelVersionId}, round ${round.number} trains from ${round.baseModelVersionId}`);
    }
    if (descriptor.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
      throw new SyndicateError('INVALID_ARGUMENT', 'UNSUPPORTED_ENCODING', `encoding ${descriptor.encoding} is not accepted by this federation (expects PAYLOAD_ENCODING_FLOAT32_LE)`);
    }
    const plan = this.federations.plan(await this.federations.entity(round.federationId));
    const numParams = modelLayout(plan).numParams;
    if (Number(descriptor.numParams) !== numParams) {
      throw new SyndicateError('INVALID_ARGUMENT', 'SHAPE_MISMATCH', `update has ${descriptor.numParams} parameters, the model has ${numParams}`);
    }
    const assembler = new ChunkAssembler(descriptor, { maxTotalBytes: Math.min(this.config.maxPayloadBytes, numParams * 4) });
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (next.value.part !== 'chunk' || !next.value.chunk) {
        throw new SyndicateError('INVALID_ARGUMENT', 'UNEXPECTED_MESSAGE', 'only chunks may follow the header');
      }
      assembler.push(next.value.chunk);
    }
    const payload = assembler.finish();
    const receipt = await this.aggregation.accept({
      roundId: round.id,
      participantId: participant.id,
      numParams,
      numSamples: Number(header.numSamples),
      payload,
      payloadSha256: descriptor.sha256.toString('hex'),
      signature: env.signature.toString('hex'),
    });
    // Close early if this was the last expected update; errors here must not fail the upload.
    void this.rounds.advance(await this.rounds.get(round.id)).catch((err) => this.log.error({ err }, 'advance after upload failed'));
    return { receiptId: receipt.id, sha256: descriptor.sha256 };
  }

  private async submitEvaluation(r: SubmitEvaluationRequest__Output): Promise<SubmitEvaluationResponse> {
    const env = required(r.envelope, 'envelope');
    const metrics = required(r.metrics, 'metrics');
    const modelVersionId = required(r.modelVersionId, 'model_version_id');
    const p = await this.participants.authenticate(env, {
      federationId: required(env.federationId, 'envelope.federation_id'),
      phase: 'PHASE_EVALUATE',
      payloadSha256: evaluationDigest(modelVersionId, metrics),
    });
    await this.evaluation.record({
      federationId: p.federationId,
      participantId: p.id,
      modelVersionId,
      numExamples: Number(metrics.numExamples),
      loss: metrics.loss,
      accuracy: metrics.accuracy,
      auc: metrics.auc,
    });
    return { accepted: true };
  }
}
