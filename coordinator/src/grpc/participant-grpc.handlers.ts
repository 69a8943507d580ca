import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  ChunkAssembler,
  describePayload,
  modelLayout,
  modelPayloadFloats,
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
  type UpdateHeader__Output,
  type DownloadAggregateRequest__Output,
  type DownloadAggregateResponse,
  type PublishModelRequest__Output,
  type PublishModelResponse,
  type PublishHeader__Output,
  type SubmitKeySharesRequest__Output,
  type SubmitKeySharesResponse,
  type FetchKeyShareRequest__Output,
  type FetchKeyShareResponse,
  type TrainingPlan,
  type PayloadEncoding,
  aggregateDigest,
  encryptedSizeFor,
  fetchKeyDigest,
  heRuntime,
  keySharesDigest,
  contributionFieldCount,
  fromWireUpdateKind,
  planSecureSpec,
  uploadPhase,
  evaluationFieldCount,
  KNOWN_UPDATE_KINDS,
  type ContributionKind,
  type FeatureMoments,
  type SubmitStandardizationRequest__Output,
  type SubmitStandardizationResponse,
  featureMomentsProblems,
  featureStatsFieldCount,
  featureStatsFieldsNeeded,
  standardizationDigest,
} from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import type { Participant } from '../participants/participant.entity';
import type { Round } from '../rounds/round.entity';
import { KeyCustodyService } from '../keys/key-custody.service';
import { AuditService } from '../audit/audit.service';
import { MetricsService } from '../metrics/metrics.service';
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
import { ContributionPolicy } from '../rounds/contribution-policy.service';
import { EvaluationDriver } from '../evaluation/evaluation-driver.service';
import { Publication } from '../rounds/publication.service';
import { RoundStepper } from '../rounds/round-stepper.service';
import { RoundViews } from '../rounds/round-views.service';
import { TaskOffers } from '../rounds/task-offers.service';
import { StandardizationService } from '../standardization/standardization.service';
import { TaskHub } from '../participants/task-hub';
import { Semaphore } from '../common/semaphore';
import { limitReadAhead } from './read-ahead';
import { faultPoint } from '../common/fault-point';

const HEARTBEAT_MS = 20_000;

/** The stream's next message, or STREAM_IDLE if the sender went quiet. */
function withinIdle<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SyndicateError(
            'DEADLINE_EXCEEDED',
            'STREAM_IDLE',
            `the stream sent nothing for ${ms / 1000} s and was dropped; nothing of it was kept, send it again`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([p, idle]).finally(() => clearTimeout(timer));
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || value === '') {
    throw new SyndicateError('INVALID_ARGUMENT', 'MISSING_FIELD', `${field} is required`);
  }
  return value;
}

/** Refuses an oversized upload from its header alone, before a slot or a buffer is spent on it. */
function assertWithinLimit(descriptor: { totalBytes: string }, maxTotalBytes: number): void {
  const total = Number(descriptor.totalBytes);
  if (!Number.isSafeInteger(total) || total < 0)
    throw new WireFormatError('BAD_DESCRIPTOR', `total_bytes ${descriptor.totalBytes} is not a valid size`);
  if (total > maxTotalBytes)
    throw new WireFormatError('TOO_LARGE', `payload declares ${total} bytes, the limit is ${maxTotalBytes}`);
}

/**
 * Values one contribution of `kind` carries, as both sides derive them from the
 * plan: float32 weights for a plaintext update, packed integer fields otherwise.
 */
function contributionValues(
  plan: TrainingPlan,
  kind: ContributionKind,
  secure: boolean,
  evaluationBins: number,
): number {
  const spec = planSecureSpec(plan);
  if (kind === 'evaluation') return evaluationFieldCount(spec, evaluationBins);
  if (kind === 'stats') return featureStatsFieldCount(spec, featureStatsFieldsNeeded(plan).features.length);
  const numParams = modelLayout(plan).numParams;
  return secure ? contributionFieldCount(spec, kind, numParams) : numParams;
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
  private readonly uploadSlots: Semaphore;

  constructor(
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly roundViews: RoundViews,
    private readonly roundStepper: RoundStepper,
    private readonly taskOffers: TaskOffers,
    private readonly contributionPolicy: ContributionPolicy,
    private readonly publication: Publication,
    private readonly evaluationDriver: EvaluationDriver,
    private readonly standardization: StandardizationService,
    private readonly models: ModelsService,
    private readonly aggregation: AggregationService,
    private readonly evaluation: EvaluationService,
    private readonly hub: TaskHub,
    private readonly keys: KeyCustodyService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.uploadSlots = new Semaphore(config.maxConcurrentUploads);
  }

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
      SubmitStandardization: (call, callback) =>
        this.unary(call.request, callback, (r) => this.submitStandardization(r)),
      SubmitKeyShares: (call, callback) => this.unary(call.request, callback, (r) => this.submitKeyShares(r)),
      FetchKeyShare: (call, callback) => this.unary(call.request, callback, (r) => this.fetchKeyShare(r)),
      DownloadAggregate: (call) => void this.downloadAggregate(call),
      PublishModel: (call, callback) => {
        this.publishModel(call).then(
          (res) => callback(null, res),
          (err) => {
            this.logRefusal('PublishModel', err);
            callback(toGrpcError(wireError(err)));
          },
        );
      },
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
    // federation_id may be empty: the invitation names it.
    const p = await this.participants.enroll({
      federationId: r.federationId,
      token: required(r.enrollmentToken, 'enrollment_token'),
      signingPublicKey: r.signingPublicKey,
      boxPublicKey: r.boxPublicKey,
    });
    const federation = await this.federations.entity(p.federationId);
    return {
      participantId: p.id,
      federationId: federation.id,
      planJson: federation.planJson,
      keyEpoch: federation.keyEpoch,
    };
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
        notify: (notice) => call.write({ notice }),
        close: () => call.end(),
      });
      const heartbeat = setInterval(
        () => call.write({ heartbeat: { serverTimeUnixMs: String(this.clock.now()) } }),
        HEARTBEAT_MS,
      );
      heartbeat.unref();
      const cleanup = () => {
        clearInterval(heartbeat);
        detach();
        this.log.info({ participantId: p.id }, 'agent disconnected');
      };
      call.on('cancelled', cleanup);
      call.on('close', cleanup);
      call.on('error', cleanup);
      this.log.info(
        { federationId: p.federationId, participantId: p.id, agentVersion: call.request.agentVersion },
        'agent connected',
      );
      call.write({ heartbeat: { serverTimeUnixMs: String(this.clock.now()) } });
      await this.taskOffers.onSubscribe(p);
    } catch (err) {
      this.logRefusal('Subscribe', err);
      // grpc-js sends a server stream's status on 'error'; destroy() would drop it and leave the client waiting.
      call.emit('error', toGrpcError(wireError(err)));
    }
  }

  private async download(
    call: grpc.ServerWritableStream<DownloadModelRequest__Output, DownloadModelResponse>,
  ): Promise<void> {
    try {
      const env = call.request.envelope;
      const requested = required(call.request.modelVersionId, 'model_version_id');
      const p = await this.participants.authenticate(env, {
        federationId: required(env?.federationId, 'envelope.federation_id'),
        phase: 'PHASE_DOWNLOAD',
        payloadSha256: downloadDigest(requested),
      });
      // 'latest' lets a member's data scientist pull the current model without knowing its id.
      const modelVersionId = requested === 'latest' ? (await this.models.latest(p.federationId)).id : requested;
      const model = await this.models.withData(modelVersionId);
      if (model.federationId !== p.federationId) {
        throw new SyndicateError(
          'PERMISSION_DENIED',
          'MODEL_NOT_IN_FEDERATION',
          `model ${modelVersionId} does not belong to your federation`,
        );
      }
      const payload = describePayload(model.data, model.encoding as PayloadEncoding, model.numParams);
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

  /** Reads a header-then-chunks client stream; the header decides the limits before any chunk is buffered. */
  private async readChunked<H>(
    call: AsyncIterable<{ part?: string; header?: H | null; chunk?: { index: number; data: Buffer } | null }>,
    /** Validates the header; returns how to assemble, without allocating yet. */
    prepare: (header: H) => Promise<() => ChunkAssembler>,
  ): Promise<{ header: H; payload: Buffer }> {
    limitReadAhead(call);
    const iterator = call[Symbol.asyncIterator]();
    const idleMs = this.config.streamIdleSeconds * 1000;
    // A sender that stops mid-stream must not hold an upload slot (and its buffer) forever.
    const next = () => withinIdle(iterator.next(), idleMs);
    const first = await next();
    if (first.done || first.value.part !== 'header' || !first.value.header) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'HEADER_FIRST',
        'a chunked upload must start with its header message',
      );
    }
    const header = first.value.header;
    const makeAssembler = await prepare(header);
    // Chunks are not read, nor the payload buffer allocated, until a slot is free:
    // unread streams back-pressure their senders.
    return this.uploadSlots.run(async () => {
      const assembler = makeAssembler();
      for (let msg = await next(); !msg.done; msg = await next()) {
        if (msg.value.part !== 'chunk' || !msg.value.chunk) {
          throw new SyndicateError('INVALID_ARGUMENT', 'UNEXPECTED_MESSAGE', 'only chunks may follow the header');
        }
        assembler.push(msg.value.chunk);
        faultPoint(`chunk.${msg.value.chunk.index}`); // test-only crash injection: an upload half-read
      }
      return { header, payload: assembler.finish() };
    });
  }

  /** Every accepted or refused contribution from an authenticated member is audited with its hash and signature. */
  private async upload(
    call: grpc.ServerReadableStream<UploadUpdateRequest__Output, UploadUpdateResponse>,
  ): Promise<UploadUpdateResponse> {
    let seen:
      | {
          participant: Participant;
          round: Round;
          kind: string;
          payloadSha256: string;
          signature: string;
          bytes: number;
        }
      | undefined;
    try {
      return await this.acceptUpload(call, (s) => (seen = s));
    } catch (err) {
      if (seen) {
        const reason =
          err instanceof SyndicateError ? err.reason : err instanceof WireFormatError ? `WIRE_${err.code}` : 'INTERNAL';
        await this.audit.record({
          actor: seen.participant.id,
          action: 'update.rejected',
          federationId: seen.round.federationId,
          subject: seen.round.id,
          detail: { kind: seen.kind, reason, payloadSha256: seen.payloadSha256, signature: seen.signature },
        });
      }
      throw err;
    }
  }

  private async acceptUpload(
    call: grpc.ServerReadableStream<UploadUpdateRequest__Output, UploadUpdateResponse>,
    authenticated: (s: {
      participant: Participant;
      round: Round;
      kind: string;
      payloadSha256: string;
      signature: string;
      bytes: number;
    }) => void,
  ): Promise<UploadUpdateResponse> {
    let ctx!: {
      round: Round;
      participant: Participant;
      kind: ContributionKind;
      numParams: number;
      valueCount: number;
      plan: TrainingPlan;
    };
    const { header, payload } = await this.readChunked(
      call as AsyncIterable<UploadUpdateRequest__Output>,
      async (header: UpdateHeader__Output) => {
        const env = required(header.envelope, 'header.envelope');
        const descriptor = required(header.payload, 'header.payload');
        const kind = fromWireUpdateKind(header.kind);
        if (!kind)
          throw new SyndicateError(
            'INVALID_ARGUMENT',
            'MISSING_FIELD',
            `header.kind must be one of ${KNOWN_UPDATE_KINDS}`,
          );
        const round = await this.roundViews.get(required(env.roundId, 'envelope.round_id'));
        const participant = await this.participants.authenticate(env, {
          federationId: round.federationId,
          roundId: round.id,
          phase: uploadPhase(kind),
          payloadSha256: descriptor.sha256,
          keyEpoch: round.mode === 'secure' ? round.keyEpoch : undefined,
        });
        authenticated({
          participant,
          round,
          kind,
          payloadSha256: descriptor.sha256.toString('hex'),
          signature: env.signature.toString('hex'),
          bytes: Number(descriptor.totalBytes),
        });
        const plan = await this.federations.planOf(round.federationId);
        const numParams = modelLayout(plan).numParams;
        const spec = planSecureSpec(plan);
        if (kind === 'evaluation') {
          if (round.state !== 'published')
            throw new SyndicateError(
              'FAILED_PRECONDITION',
              'EVALUATION_NOT_COLLECTING',
              `round ${round.number} is ${round.state}; only a published round's model is evaluated`,
            );
          if (header.baseModelVersionId !== round.resultModelVersionId) {
            throw new SyndicateError(
              'FAILED_PRECONDITION',
              'WRONG_MODEL',
              `histograms were scored with model ${header.baseModelVersionId}, round ${round.number} published ${round.resultModelVersionId}`,
            );
          }
        } else {
          const counting = kind === 'count' || kind === 'stats';
          if (round.state !== (counting ? 'counting' : 'collecting')) {
            throw new SyndicateError(
              'FAILED_PRECONDITION',
              counting ? 'ROUND_NOT_COUNTING' : 'ROUND_NOT_COLLECTING',
              `round ${round.number} is ${round.state} and does not accept ${counting ? 'sample counts or feature statistics' : 'updates'} now`,
            );
          }
          if (kind === 'model' && header.baseModelVersionId !== round.baseModelVersionId) {
            throw new SyndicateError(
              'FAILED_PRECONDITION',
              'STALE_BASE_MODEL',
              `update was trained from model ${header.baseModelVersionId}, round ${round.number} trains from ${round.baseModelVersionId}`,
            );
          }
          if ((kind === 'count' || kind === 'stats') && round.mode !== 'secure')
            throw new SyndicateError(
              'INVALID_ARGUMENT',
              'UNEXPECTED_COUNT',
              `${kind === 'count' ? 'sample counts' : 'feature statistics'} are only sent under secure aggregation`,
            );
        }
        const wantEncoding =
          round.mode === 'secure'
            ? 'PAYLOAD_ENCODING_BFV_PACKED'
            : kind === 'evaluation'
              ? 'PAYLOAD_ENCODING_UINT32_LE'
              : 'PAYLOAD_ENCODING_FLOAT32_LE';
        if (descriptor.encoding !== wantEncoding) {
          throw new SyndicateError(
            'INVALID_ARGUMENT',
            'UNSUPPORTED_ENCODING',
            `encoding ${descriptor.encoding} is not accepted by this federation (round ${round.number} expects ${wantEncoding} for ${kind})`,
          );
        }
        if (kind === 'model' && Number(descriptor.numParams) !== numParams) {
          throw new SyndicateError(
            'INVALID_ARGUMENT',
            'SHAPE_MISMATCH',
            `update has ${descriptor.numParams} parameters, the model has ${numParams}`,
          );
        }
        const secure = round.mode === 'secure';
        const valueCount = contributionValues(
          plan,
          kind,
          secure,
          kind === 'evaluation' ? await this.evaluationBins(round) : 0,
        );
        const maxBytes = secure ? encryptedSizeFor(await heRuntime(spec.parameterSet), valueCount) : valueCount * 4;
        if (round.mode === 'secure' || kind === 'evaluation')
          await this.contributionPolicy.assertMayContribute(round, participant.id, kind);
        ctx = { round, participant, kind, numParams, valueCount, plan };
        const limits = { maxTotalBytes: Math.min(this.config.maxPayloadBytes, maxBytes) };
        assertWithinLimit(descriptor, limits.maxTotalBytes);
        return () => new ChunkAssembler(descriptor, limits);
      },
    );
    const env = header.envelope!;
    const descriptor = header.payload!;
    const common = {
      roundId: ctx.round.id,
      participantId: ctx.participant.id,
      numParams: ctx.numParams,
      payload,
      payloadSha256: descriptor.sha256.toString('hex'),
      signature: env.signature.toString('hex'),
    };
    const started = process.hrtime.bigint();
    const evaluation = ctx.kind === 'evaluation';
    const gate = {
      // The update.accepted entry commits with the receipt: no acknowledged update goes unaudited, even across a crash.
      recorded: (em: EntityManager, r: { id: string }) =>
        this.audit.recordIn(em, {
          actor: ctx.participant.id,
          action: 'update.accepted',
          federationId: ctx.round.federationId,
          subject: ctx.round.id,
          detail: {
            kind: ctx.kind,
            receiptId: r.id,
            payloadSha256: common.payloadSha256,
            signature: common.signature,
            bytes: payload.length,
          },
        }),
      allowed: (id: string, em: EntityManager) =>
        this.contributionPolicy.assertMayContribute(ctx.round, id, ctx.kind, em),
      accepting: evaluation
        ? (em: EntityManager) => this.evaluation.assertCollecting(ctx.round.id, em).then(() => undefined)
        : undefined,
    };
    const receipt =
      ctx.round.mode === 'secure'
        ? await this.aggregation.acceptEncrypted({
            ...common,
            ...gate,
            kind: ctx.kind,
            numSamples: 0,
            keyEpoch: ctx.round.keyEpoch,
            valueCount: ctx.valueCount,
            spec: planSecureSpec(ctx.plan),
          })
        : evaluation
          ? await this.aggregation.acceptFields({
              ...common,
              ...gate,
              kind: ctx.kind,
              numSamples: 0,
              valueCount: ctx.valueCount,
            })
          : await this.aggregation.accept({
              ...common,
              recorded: gate.recorded,
              numSamples: Number(header.numSamples),
            });
    faultPoint(`upload.accepted.${ctx.kind}`); // test-only crash injection: committed, not yet acknowledged
    this.metrics.observeAggregation(ctx.round.mode, Number(process.hrtime.bigint() - started) / 1e9);
    // Close early if this was the last expected contribution; errors here must not fail the upload.
    const next = evaluation
      ? this.evaluationDriver.advance(ctx.round.id)
      : this.roundStepper.advance(await this.roundViews.get(ctx.round.id));
    void next.catch((err) => {
      // The driver moved the round first: its compare-and-set did the work, nothing failed.
      if (err instanceof SyndicateError && err.reason === 'ROUND_MOVED')
        return this.log.debug({ roundId: ctx.round.id }, 'round already moved on');
      this.log.error({ err }, 'advance after upload failed');
    });
    return { receiptId: receipt.id, sha256: descriptor.sha256 };
  }

  private async downloadAggregate(
    call: grpc.ServerWritableStream<DownloadAggregateRequest__Output, DownloadAggregateResponse>,
  ): Promise<void> {
    try {
      const r = call.request;
      const roundId = required(r.roundId, 'round_id');
      const kind = fromWireUpdateKind(r.kind);
      if (!kind)
        throw new SyndicateError('INVALID_ARGUMENT', 'MISSING_FIELD', `kind must be one of ${KNOWN_UPDATE_KINDS}`);
      const round = await this.roundViews.get(roundId);
      const p = await this.participants.authenticate(r.envelope, {
        federationId: round.federationId,
        phase: 'PHASE_DOWNLOAD_AGGREGATE',
        payloadSha256: aggregateDigest(roundId, r.kind),
      });
      const plan = await this.federations.planOf(round.federationId);
      const spec = planSecureSpec(plan);
      let valueCount: number;
      if (kind === 'evaluation') {
        const ev = await this.evaluation.byRound(round.id);
        if (!ev || (ev.state !== 'decrypting' && ev.state !== 'complete')) {
          throw new SyndicateError(
            'FAILED_PRECONDITION',
            'AGGREGATE_NOT_READY',
            `the evaluation of round ${round.number} is ${ev?.state ?? 'not open'}; its sum is not final yet`,
          );
        }
        // Only members whose histograms are in the sum read it.
        if (
          !(await this.aggregation.contributors(round.id, undefined, 'evaluation')).some(
            (c) => c.participantId === p.id,
          )
        ) {
          throw new SyndicateError(
            'PERMISSION_DENIED',
            'NOT_A_CONTRIBUTOR',
            `participant ${p.id} sent no histogram for round ${round.number}`,
          );
        }
        valueCount = contributionValues(plan, kind, round.mode === 'secure', ev.bins);
      } else {
        const ready =
          kind === 'count' || kind === 'stats'
            ? ['collecting', 'aggregating', 'published']
            : ['aggregating', 'published'];
        if (round.mode !== 'secure' || !ready.includes(round.state)) {
          throw new SyndicateError(
            'FAILED_PRECONDITION',
            'AGGREGATE_NOT_READY',
            `round ${round.number} is ${round.state}; its ${kind} aggregate is not final yet`,
          );
        }
        await this.contributionPolicy.assertMayContribute(round, p.id, 'count');
        valueCount = contributionValues(plan, kind, true, 0);
      }
      const sum =
        round.mode === 'secure'
          ? await this.aggregation.encryptedSum(round.id, kind, {
              keyEpoch: round.keyEpoch,
              valueCount,
              parameterSet: spec.parameterSet,
            })
          : await this.aggregation.plainSum(round.id, kind);
      if (!sum)
        throw new SyndicateError('NOT_FOUND', 'AGGREGATE_NOT_FOUND', `round ${round.number} has no ${kind} aggregate`);
      const payload = describePayload(
        sum.data,
        round.mode === 'secure' ? 'PAYLOAD_ENCODING_BFV_PACKED' : 'PAYLOAD_ENCODING_FLOAT64_LE',
        0,
      );
      await this.write(call, {
        header: { roundId, kind: r.kind, contributors: sum.contributors, keyEpoch: round.keyEpoch, payload },
      });
      for (const chunk of splitIntoChunks(sum.data)) await this.write(call, { chunk });
      call.end();
    } catch (err) {
      this.logRefusal('DownloadAggregate', err);
      call.emit('error', toGrpcError(wireError(err)));
    }
  }

  private async publishModel(
    call: grpc.ServerReadableStream<PublishModelRequest__Output, PublishModelResponse>,
  ): Promise<PublishModelResponse> {
    let p!: Participant;
    const { header, payload } = await this.readChunked(
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
        const limits = { maxTotalBytes: Math.min(this.config.maxPayloadBytes, floats * 4 + 48) };
        assertWithinLimit(descriptor, limits.maxTotalBytes);
        return () => new ChunkAssembler(descriptor, limits);
      },
    );
    const encoding = header.payload!.encoding;
    const env = header.envelope!;
    if (!env.roundId) {
      // No round: a dealer re-sealing the current model for its new key epoch.
      return {
        modelVersionId: await this.keys.acceptResealedModel(p, env.keyEpoch, header.baseModelVersionId, payload),
      };
    }
    const modelVersionId = await this.publication.publishFromMember(p, {
      roundId: env.roundId,
      baseModelVersionId: header.baseModelVersionId,
      encoding,
      data: payload,
    });
    return { modelVersionId };
  }

  private async submitKeyShares(r: SubmitKeySharesRequest__Output): Promise<SubmitKeySharesResponse> {
    const env = required(r.envelope, 'envelope');
    const shares = r.shares.map((s) => ({ participantId: s.participantId, nonce: s.nonce, sealedKey: s.sealedKey }));
    const p = await this.participants.authenticate(env, {
      federationId: required(env.federationId, 'envelope.federation_id'),
      phase: 'PHASE_KEY_CEREMONY',
      payloadSha256: keySharesDigest(r.keyEpoch, r.parameterSet, shares, r.wrappedKey),
      keyEpoch: r.keyEpoch,
    });
    const keyEpoch = await this.keys.submitShares(p, {
      keyEpoch: r.keyEpoch,
      parameterSet: r.parameterSet,
      shares,
      wrappedKey: r.wrappedKey,
    });
    // Rounds waiting for keys can start counting now.
    void this.roundStepper.tick().catch((err) => this.log.error({ err }, 'tick after key ceremony failed'));
    return { keyEpoch };
  }

  private async fetchKeyShare(r: FetchKeyShareRequest__Output): Promise<FetchKeyShareResponse> {
    const env = required(r.envelope, 'envelope');
    const p = await this.participants.authenticate(env, {
      federationId: required(env.federationId, 'envelope.federation_id'),
      phase: 'PHASE_FETCH_KEY',
      payloadSha256: fetchKeyDigest(r.keyEpoch),
    });
    return this.keys.fetchShare(p, r.keyEpoch);
  }

  private async submitEvaluation(r: SubmitEvaluationRequest__Output): Promise<SubmitEvaluationResponse> {
    const env = required(r.envelope, 'envelope');
    const h = required(r.histogram, 'histogram');
    const modelVersionId = required(r.modelVersionId, 'model_version_id');
    const round = await this.roundViews.get(required(env.roundId, 'envelope.round_id'));
    const p = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_EVALUATION_RESULT',
      payloadSha256: evaluationDigest(modelVersionId, r.contributors, h),
    });
    const histogram = {
      bins: h.bins,
      negatives: h.negatives.map(Number),
      positives: h.positives.map(Number),
      sumSquaredError: h.sumSquaredError,
      sumLogLoss: h.sumLogLoss,
    };
    await this.evaluation.report({
      participantId: p.id,
      federationId: p.federationId,
      roundId: round.id,
      modelVersionId,
      contributors: r.contributors,
      histogram,
      mayReport: async () => {
        if (
          !(await this.aggregation.contributors(round.id, undefined, 'evaluation')).some(
            (c) => c.participantId === p.id,
          )
        ) {
          throw new SyndicateError(
            'PERMISSION_DENIED',
            'NOT_A_CONTRIBUTOR',
            `participant ${p.id} sent no histogram for round ${round.number}, so it cannot report the sum`,
          );
        }
      },
    });
    return { accepted: true };
  }

  /** A member reports the consortium feature moments it decrypted; all members must agree, and the record is audited. */
  private async submitStandardization(r: SubmitStandardizationRequest__Output): Promise<SubmitStandardizationResponse> {
    const env = required(r.envelope, 'envelope');
    const json = required(r.momentsJson, 'moments_json');
    const round = await this.roundViews.get(required(env.roundId, 'envelope.round_id'));
    const p = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_STANDARDIZATION',
      payloadSha256: standardizationDigest(json),
    });
    const federation = await this.federations.entity(round.federationId);
    if (federation.featureStatsRoundId !== round.id)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'NO_STATS_PHASE',
        `round ${round.number} did not collect the feature statistics`,
      );
    if (!(await this.aggregation.contributors(round.id, undefined, 'stats')).some((c) => c.participantId === p.id)) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_CONTRIBUTOR',
        `participant ${p.id} sent no feature statistics in round ${round.number}`,
      );
    }
    let moments: FeatureMoments;
    try {
      moments = JSON.parse(json) as FeatureMoments;
    } catch {
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_MOMENTS', 'moments_json is not valid JSON');
    }
    const features = featureStatsFieldsNeeded(this.federations.plan(federation)).features;
    const problems = featureMomentsProblems(moments, features.length);
    if (problems.length)
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_MOMENTS', 'the reported feature moments are invalid', problems);
    const canonical = JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares });
    try {
      const outcome = await this.standardization.recordFeatureMoments(federation, canonical);
      if (outcome === 'recorded') {
        await this.audit.record({
          actor: p.id,
          action: 'preprocessing.standardized',
          federationId: federation.id,
          subject: round.id,
          detail: { round: round.number, features, counts: moments.count },
        });
        this.log.info(
          { federationId: federation.id, round: round.number, features },
          'consortium feature statistics recorded',
        );
      }
    } catch (err) {
      if (err instanceof SyndicateError && err.reason === 'STANDARDIZATION_MISMATCH') {
        await this.audit.record({
          actor: p.id,
          action: 'preprocessing.mismatch',
          federationId: federation.id,
          subject: round.id,
          detail: { round: round.number },
        });
      }
      throw err;
    }
    return { accepted: true };
  }

  private async evaluationBins(round: Round): Promise<number> {
    const ev = await this.evaluation.byRound(round.id);
    if (!ev)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EVALUATION_NOT_COLLECTING',
        `round ${round.number}'s model is not being evaluated`,
      );
    return ev.bins;
  }
}
