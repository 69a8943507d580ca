import * as fs from 'fs';
import * as path from 'path';
import {
  applyConsortiumStandardization,
  encodeFloat32,
  modelLayout,
  modelPayloadFloats,
  parseTrainingPlanJson,
  planSecureSpec,
  splitModelPayload,
  type SecureAggregationSpec,
  type ExactMetrics,
  type FederationNotice__Output,
  type Task__Output,
  type TrainingPlan,
} from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import type { Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { contributeEvaluation, reportEvaluation, writeLocalEvaluation } from './federated-evaluation';
import { consortiumMoments, needsFeatureStats, sendFeatureStats } from './federated-standardization';
import { saveStandardization } from './standardization-file';
import { loadCsvDataset } from '../data/csv-dataset';
import { splitHoldout } from '../data/holdout-split';
import { trainLocal } from '../training/local-trainer';
import { backoffDelay } from './backoff';
import { writeHealth } from './health-file';
import { CoordinatorCallError, CoordinatorClient } from './coordinator-client';
import { KeyRing } from '../crypto/key-ring';
import { dealKeyEpoch } from './key-ceremony';
import { applyAggregate, memberWeight, sendEncryptedDelta, sendSampleCount } from './secure-round';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  identity: AgentIdentity;
  train: Dataset;
  holdout: Dataset;
  logger: Logger;
  /** Keep a copy of each local result sent (plaintext stays on-prem). */
  keepUpdatesDir?: string;
  /** Where the liveness file goes (the state directory). */
  healthDir?: string;
  /** The agent's state directory: this bank's own evaluation results are kept here, never sent. */
  stateDir?: string;
  /**
   * The bank's CSV: plans with federated standardisation compute this member's
   * feature moments from it and re-encode the data once the consortium's are known.
   */
  dataFile?: string;
}

/** Refusals that retrying cannot fix: the agent stops and says why. */
const FATAL_REASONS = new Set([
  'UNKNOWN_PARTICIPANT',
  'PARTICIPANT_REVOKED',
  'WRONG_FEDERATION',
  'FEDERATION_NOT_FOUND',
]);

/**
 * The bank-side daemon: holds one outbound stream open, runs tasks one at a time,
 * and reconnects with backoff whenever the stream is cut.
 */
export class ParticipantAgent {
  private plan: TrainingPlan;
  private train: Dataset;
  private holdout: Dataset;
  /** Plans with federated standardisation: no training or scoring until the consortium moments are applied. */
  private standardized: boolean;
  private readonly spec: SecureAggregationSpec;
  private readonly numParams: number;
  /** Floats in a model version's payload: the weights, plus m and v for fedadam/fedyogi. */
  private readonly payloadFloats: number;
  private readonly client: CoordinatorClient;
  private readonly keys: KeyRing;
  /** Global payload (weights + server optimizer state) each open secure round started from, to apply its aggregate to. */
  private readonly roundBases = new Map<string, Float32Array>();
  /** Payload this member computed itself from an aggregate, by round number. */
  private readonly applied = new Map<number, Float32Array>();
  private queue: Task__Output[] = [];
  private readonly done = new Set<string>();
  private working = false;
  /** Key of the task running now. */
  private current?: string;
  private stopped = false;
  private stopResolve?: () => void;
  private fatal?: Error;
  private reconnectTimer?: NodeJS.Timeout;
  private attempt = 0;

  constructor(private readonly opts: AgentOptions) {
    this.plan = parseTrainingPlanJson(opts.identity.planJson);
    this.train = opts.train;
    this.holdout = opts.holdout;
    this.standardized = !needsFeatureStats(this.plan);
    this.spec = planSecureSpec(this.plan);
    this.numParams = modelLayout(this.plan).numParams;
    this.payloadFloats = modelPayloadFloats(this.plan);
    this.client = new CoordinatorClient(opts.identity);
    this.keys = new KeyRing(opts.identity, this.client);
  }

  /** Resolves when stop() is called; rejects on a refusal retrying cannot fix. */
  async run(): Promise<void> {
    const finished = new Promise<void>((resolve) => (this.stopResolve = resolve));
    this.connect();
    await finished;
    this.client.close();
    this.keys.dispose();
    if (this.fatal) throw this.fatal;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.stopResolve?.();
  }

  private connect(): void {
    if (this.stopped) return;
    const log = this.opts.logger;
    const stream = this.client.subscribe(AGENT_VERSION);
    let ended = false;
    const reconnect = (why: string) => {
      if (ended) return;
      ended = true;
      if (this.stopped) return;
      const delay = backoffDelay(this.attempt++);
      log.warn({ why, retryInMs: delay }, 'task stream lost; reconnecting');
      // Not unref'd: this timer is what keeps a daemon alive while the coordinator is away.
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    };
    stream.on('data', (msg) => {
      this.attempt = 0;
      if (this.opts.healthDir) writeHealth(this.opts.healthDir);
      if (msg.task) this.enqueue(msg.task);
      if (msg.notice) this.onNotice(msg.notice);
    });
    stream.on('error', (err: Error & { code?: number; metadata?: { get(k: string): unknown[] } }) => {
      const reason = String(err.metadata?.get('syndicate-reason')?.[0] ?? '');
      if (FATAL_REASONS.has(reason)) {
        ended = true;
        this.fatal = new Error(`coordinator refused this agent (${reason}): ${err.message}`);
        this.stop();
        return;
      }
      reconnect(err.message);
    });
    stream.on('end', () => reconnect('stream ended'));
  }

  /** The admin paused, resumed or cancelled: say so in the bank's log, and drop work nobody will accept. */
  private onNotice(n: FederationNotice__Output): void {
    const log = this.opts.logger;
    if (n.kind === 'KIND_ROUND_CANCELLED') {
      const before = this.queue.length;
      this.queue = this.queue.filter((t) => t.roundId !== n.roundId);
      log.warn(
        { round: n.roundNumber, roundId: n.roundId, dropped: before - this.queue.length, why: n.message },
        'round cancelled by the consortium',
      );
    } else if (n.kind === 'KIND_PAUSED') {
      log.warn(
        { round: n.roundNumber, why: n.message },
        'federation paused by the consortium: work already sent is kept, the round waits',
      );
    } else if (n.kind === 'KIND_RESUMED') {
      log.info(
        {
          round: n.roundNumber,
          deadline: n.deadlineUnixMs ? new Date(Number(n.deadlineUnixMs)).toISOString() : undefined,
        },
        'federation resumed',
      );
    }
  }

  private static key(t: Task__Output): string {
    return `${t.type}:${t.modelVersionId}:${t.roundId}:${t.keyEpoch}:${t.publisher}`;
  }

  private enqueue(task: Task__Output): void {
    const key = ParticipantAgent.key(task);
    // A re-offer of the task being worked on now is not new work.
    if (this.done.has(key) || key === this.current) return;
    if (this.queue.some((t) => ParticipantAgent.key(t) === key)) return;
    this.queue.push(task);
    void this.drain();
  }

  private async count(task: Task__Output): Promise<void> {
    // Feature statistics first: a member whose count is in the sum has its moments in too.
    if (!this.standardized && task.statsRoundId === task.roundId) {
      if (!this.opts.dataFile)
        throw new Error(
          'this plan standardises features federatedly: the agent needs its data file to compute its feature statistics',
        );
      await sendFeatureStats({
        task,
        client: this.client,
        keys: this.keys,
        spec: this.spec,
        plan: this.plan,
        dataFile: this.opts.dataFile,
        rows: this.train.rows + this.holdout.rows,
      }).catch((err: unknown) => {
        if (!(err instanceof CoordinatorCallError && err.reason === 'DUPLICATE_STATS')) throw err;
      });
      this.opts.logger.info(
        { round: task.roundNumber },
        'encrypted feature statistics sent for consortium standardisation',
      );
    }
    await sendSampleCount({ task, client: this.client, keys: this.keys, spec: this.spec, numSamples: this.train.rows });
  }

  /** Applies the consortium's means and standard deviations and re-encodes the data with them (once). */
  private async ensureStandardized(task: Task__Output): Promise<void> {
    if (this.standardized) return;
    if (!this.opts.dataFile)
      throw new Error('this plan standardises features federatedly: the agent needs its data file to re-encode it');
    const moments = await consortiumMoments({
      task,
      client: this.client,
      keys: this.keys,
      spec: this.spec,
      plan: this.plan,
    });
    this.plan = applyConsortiumStandardization(this.plan, moments);
    // Kept for what scores the global model on this machine later (benefit): it must scale as training did.
    if (this.opts.stateDir) saveStandardization(this.opts.stateDir, moments);
    const { train, holdout } = splitHoldout(
      await loadCsvDataset(this.opts.dataFile, this.plan.schema),
      this.plan.holdout.fraction,
      this.plan.holdout.seed,
    );
    this.train = train;
    this.holdout = holdout;
    this.standardized = true;
    const scaled = this.plan.schema.features.flatMap((f) =>
      f.type === 'numeric' && f.standardize === 'federated'
        ? [`${f.name}: mean ${f.center.toPrecision(6)}, sd ${f.scale.toPrecision(6)}`]
        : [],
    );
    this.opts.logger.info({ features: scaled }, 'consortium standardisation applied');
  }

  private async drain(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length && !this.stopped) {
        const task = this.queue.shift()!;
        const key = ParticipantAgent.key(task);
        if (this.done.has(key)) continue;
        this.current = key;
        try {
          if (['TASK_TYPE_TRAIN', 'TASK_TYPE_EVALUATE', 'TASK_TYPE_APPLY'].includes(task.type))
            await this.ensureStandardized(task);
          if (task.type === 'TASK_TYPE_TRAIN')
            await (task.parameterSet ? this.trainSecure(task) : this.trainPlain(task));
          else if (task.type === 'TASK_TYPE_EVALUATE') await this.evaluate(task);
          else if (task.type === 'TASK_TYPE_KEY_CEREMONY')
            await dealKeyEpoch({
              task,
              identity: this.opts.identity,
              client: this.client,
              keys: this.keys,
              numParams: this.numParams,
              payloadFloats: this.payloadFloats,
              logger: this.opts.logger,
            });
          else if (task.type === 'TASK_TYPE_COUNT') await this.count(task);
          else if (task.type === 'TASK_TYPE_APPLY') await this.apply(task);
          else if (task.type === 'TASK_TYPE_EVALUATION_RESULT') await this.reportEvaluation(task);
          this.done.add(key);
        } catch (err) {
          const reason = err instanceof CoordinatorCallError ? err.reason : '';
          // Already done (re-sent after a reconnect), or an evaluation that closed without this member: nothing failed.
          if (
            [
              'DUPLICATE_UPDATE',
              'DUPLICATE_COUNT',
              'DUPLICATE_EVALUATION',
              'DUPLICATE_STATS',
              'EVALUATION_NOT_COLLECTING',
            ].includes(reason)
          ) {
            this.done.add(key);
            this.opts.logger.info({ type: task.type, round: task.roundNumber, reason }, 'task already settled');
            continue;
          }
          if (reason === 'NOT_A_KEY_MEMBER') {
            // Joined after this key epoch was dealt: nothing to do until the next one.
            this.done.add(key);
            this.opts.logger.info(
              { type: task.type, round: task.roundNumber },
              'skipped: this member joins at the next key epoch',
            );
            continue;
          }
          this.opts.logger.error(
            { task: task.taskId, type: task.type, round: task.roundNumber, err: (err as Error).message },
            'task failed',
          );
        }
      }
    } finally {
      this.working = false;
      this.current = undefined;
    }
  }

  /** A model version's whole payload: weights, then the server optimizer's moments for fedadam/fedyogi. */
  private async globalPayload(modelVersionId: string): Promise<Float32Array> {
    return this.keys.modelWeights(await this.client.downloadModel(modelVersionId), this.payloadFloats);
  }

  private async globalWeights(modelVersionId: string): Promise<Float32Array> {
    return this.weightsOf(await this.globalPayload(modelVersionId));
  }

  private weightsOf(payload: Float32Array): Float32Array {
    return splitModelPayload(this.plan, payload).weights;
  }

  /** The bank's own audit trail: what it trained from and what it computed, never leaving the premises. */
  private keepLocalResult(
    roundNumber: number,
    roundId: string,
    weights: Float32Array,
    numSamples: number,
    global: Float32Array,
  ): void {
    if (!this.opts.keepUpdatesDir) return;
    fs.mkdirSync(this.opts.keepUpdatesDir, { recursive: true });
    const base = path.join(this.opts.keepUpdatesDir, `round-${roundNumber}`);
    fs.writeFileSync(`${base}.f32`, encodeFloat32(weights));
    fs.writeFileSync(`${base}.base.f32`, encodeFloat32(global));
    fs.writeFileSync(`${base}.json`, JSON.stringify({ roundId, numSamples, numParams: weights.length }));
  }

  /** Secure round: weight from the decrypted consortium total, then an encrypted weighted delta. */
  private async trainSecure(task: Task__Output): Promise<void> {
    const log = this.opts.logger;
    const basePayload = await this.globalPayload(task.modelVersionId);
    const global = this.weightsOf(basePayload);
    const numSamples = this.train.rows;
    const { weight } = await memberWeight({ task, client: this.client, keys: this.keys, spec: this.spec, numSamples });
    log.info({ round: task.roundNumber, model: task.modelVersionId }, 'training');
    const result = await trainLocal({
      plan: this.plan,
      globalWeights: global,
      data: this.train,
      seed: task.roundNumber,
    });
    this.keepLocalResult(task.roundNumber, task.roundId, result.weights, result.numSamples, global);
    this.roundBases.set(task.roundId, basePayload);
    const sent = await sendEncryptedDelta({
      task,
      client: this.client,
      keys: this.keys,
      spec: this.spec,
      global,
      local: result.weights,
      weight,
    });
    if (sent.clipped > 0)
      log.warn(
        { round: task.roundNumber, clipped: sent.clipped, clip: this.spec.clip },
        'update values clipped; consider a larger aggregation.secure.clip',
      );
    log.info(
      {
        round: task.roundNumber,
        receipt: sent.receiptId,
        bytes: sent.bytes,
        loss: result.finalLoss,
        seconds: result.seconds,
      },
      'encrypted update accepted',
    );
  }

  private async apply(task: Task__Output): Promise<void> {
    const base = this.roundBases.get(task.roundId) ?? (await this.globalPayload(task.modelVersionId));
    const r = await applyAggregate({
      task,
      client: this.client,
      keys: this.keys,
      spec: this.spec,
      plan: this.plan,
      base,
    });
    this.applied.set(task.roundNumber, r.payload);
    this.roundBases.delete(task.roundId);
    this.opts.logger.info(
      { round: task.roundNumber, contributors: r.contributors, errorBound: r.errorBound, published: r.modelVersionId },
      'aggregate decrypted and applied',
    );
  }

  private async trainPlain(task: Task__Output): Promise<void> {
    const log = this.opts.logger;
    log.info({ round: task.roundNumber, model: task.modelVersionId }, 'training');
    const global = await this.globalWeights(task.modelVersionId);
    const result = await trainLocal({
      plan: this.plan,
      globalWeights: global,
      data: this.train,
      seed: task.roundNumber,
    });
    const payload = encodeFloat32(result.weights);
    this.keepLocalResult(task.roundNumber, task.roundId, result.weights, result.numSamples, global);
    const receipt = await this.client.uploadUpdate({
      roundId: task.roundId,
      baseModelVersionId: task.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams: result.weights.length,
      numSamples: result.numSamples,
      payload,
    });
    log.info(
      { round: task.roundNumber, receipt: receipt.receiptId, loss: result.finalLoss, seconds: result.seconds },
      'update accepted',
    );
  }

  private async evaluate(task: Task__Output): Promise<void> {
    const payload = await this.globalPayload(task.modelVersionId);
    const weights = this.weightsOf(payload);
    const mine = this.applied.get(task.roundNumber);
    if (mine) {
      // Every member derives the same payload (weights and optimizer state) from the same aggregate; a difference means tampering.
      const same = Buffer.from(mine.buffer, mine.byteOffset, mine.byteLength).equals(
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      );
      if (!same)
        this.opts.logger.error(
          { round: task.roundNumber, model: task.modelVersionId },
          'published model differs from the one this member computed from the aggregate',
        );
      this.applied.delete(task.roundNumber);
    }
    const scores = await predict(this.plan, weights, this.holdout);
    let file: string | undefined;
    const keep = (metrics: ExactMetrics) => {
      if (this.opts.stateDir)
        file = writeLocalEvaluation(this.opts.stateDir, {
          roundNumber: task.roundNumber,
          modelVersionId: task.modelVersionId,
          evaluatedAt: new Date().toISOString(),
          metrics,
        });
    };
    const { local: m } = await contributeEvaluation({
      task,
      client: this.client,
      keys: this.keys,
      spec: this.spec,
      bins: this.evaluationBins,
      scores,
      labels: this.holdout.labels,
      keep,
    });
    this.opts.logger.info(
      { round: task.roundNumber, auc: m.rocAuc, ks: m.ks, brier: m.brier, holdout: m.numExamples, keptIn: file },
      "evaluated on this bank's holdout (kept here); histograms contributed",
    );
  }

  private async reportEvaluation(task: Task__Output): Promise<void> {
    const m = await reportEvaluation({
      task,
      client: this.client,
      keys: this.keys,
      spec: this.spec,
      bins: this.evaluationBins,
    });
    this.opts.logger.info(
      { round: task.roundNumber, auc: m.rocAuc, ks: m.ks, gini: m.gini, brier: m.brier, holdout: m.numExamples },
      'consortium evaluation decrypted and reported',
    );
  }

  private get evaluationBins(): number {
    return this.plan.evaluation.bins;
  }
}
