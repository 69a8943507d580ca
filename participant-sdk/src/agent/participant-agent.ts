import * as fs from 'fs';
import * as path from 'path';
import { decodeFloat32, encodeFloat32, modelLayout, parseTrainingPlanJson, type Task__Output, type TrainingPlan } from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import type { Dataset } from '../data/csv-dataset';
import { evaluateModel } from '../evaluation/metrics';
import { trainLocal } from '../training/local-trainer';
import { backoffDelay } from './backoff';
import { CoordinatorCallError, CoordinatorClient } from './coordinator-client';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  identity: AgentIdentity;
  train: Dataset;
  holdout: Dataset;
  logger: Logger;
  /** Keep a copy of each local result sent (plaintext stays on-prem). */
  keepUpdatesDir?: string;
}

/** Refusals that retrying cannot fix: the agent stops and says why. */
const FATAL_REASONS = new Set(['UNKNOWN_PARTICIPANT', 'PARTICIPANT_REVOKED', 'WRONG_FEDERATION', 'FEDERATION_NOT_FOUND']);

/**
 * The bank-side daemon: holds one outbound stream open, runs tasks one at a time,
 * and reconnects with backoff whenever the stream is cut.
 */
export class ParticipantAgent {
  private readonly plan: TrainingPlan;
  private readonly client: CoordinatorClient;
  private readonly queue: Task__Output[] = [];
  private readonly done = new Set<string>();
  private working = false;
  private stopped = false;
  private stopResolve?: () => void;
  private fatal?: Error;
  private attempt = 0;

  constructor(private readonly opts: AgentOptions) {
    this.plan = parseTrainingPlanJson(opts.identity.planJson);
    this.client = new CoordinatorClient(opts.identity);
  }

  /** Resolves when stop() is called; rejects on a refusal retrying cannot fix. */
  async run(): Promise<void> {
    const finished = new Promise<void>((resolve) => (this.stopResolve = resolve));
    this.connect();
    await finished;
    this.client.close();
    if (this.fatal) throw this.fatal;
  }

  stop(): void {
    this.stopped = true;
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
      setTimeout(() => this.connect(), delay).unref();
    };
    stream.on('data', (msg) => {
      this.attempt = 0;
      if (msg.task) this.enqueue(msg.task);
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

  private enqueue(task: Task__Output): void {
    if (this.done.has(`${task.type}:${task.modelVersionId}:${task.roundId}`)) return;
    if (this.queue.some((t) => t.type === task.type && t.modelVersionId === task.modelVersionId && t.roundId === task.roundId)) return;
    this.queue.push(task);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length && !this.stopped) {
        const task = this.queue.shift()!;
        const key = `${task.type}:${task.modelVersionId}:${task.roundId}`;
        try {
          if (task.type === 'TASK_TYPE_TRAIN') await this.train(task);
          else if (task.type === 'TASK_TYPE_EVALUATE') await this.evaluate(task);
          this.done.add(key);
        } catch (err) {
          const reason = err instanceof CoordinatorCallError ? err.reason : '';
          // Already done (e.g. re-sent after a reconnect) is success, not failure.
          if (reason === 'DUPLICATE_UPDATE' || reason === 'DUPLICATE_EVALUATION') this.done.add(key);
          this.opts.logger.error({ task: task.taskId, type: task.type, round: task.roundNumber, err: (err as Error).message }, 'task failed');
        }
      }
    } finally {
      this.working = false;
    }
  }

  private async globalWeights(modelVersionId: string): Promise<Float32Array> {
    const model = await this.client.downloadModel(modelVersionId);
    return decodeFloat32(model.data, modelLayout(this.plan).numParams);
  }

  private async train(task: Task__Output): Promise<void> {
    const log = this.opts.logger;
    log.info({ round: task.roundNumber, model: task.modelVersionId }, 'training');
    const global = await this.globalWeights(task.modelVersionId);
    const result = await trainLocal({ plan: this.plan, globalWeights: global, data: this.opts.train });
    const payload = encodeFloat32(result.weights);
    if (this.opts.keepUpdatesDir) {
      fs.mkdirSync(this.opts.keepUpdatesDir, { recursive: true });
      const base = path.join(this.opts.keepUpdatesDir, `round-${task.roundNumber}`);
      fs.writeFileSync(`${base}.f32`, payload);
      fs.writeFileSync(`${base}.json`, JSON.stringify({ roundId: task.roundId, numSamples: result.numSamples, numParams: result.weights.length }));
    }
    const receipt = await this.client.uploadUpdate({
      roundId: task.roundId,
      baseModelVersionId: task.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams: result.weights.length,
      numSamples: result.numSamples,
      payload,
    });
    log.info({ round: task.roundNumber, receipt: receipt.receiptId, loss: result.finalLoss, seconds: result.seconds }, 'update accepted');
  }

  private async evaluate(task: Task__Output): Promise<void> {
    const weights = await this.globalWeights(task.modelVersionId);
    const m = await evaluateModel({ plan: this.plan, weights, data: this.opts.holdout });
    await this.client.submitEvaluation(task.modelVersionId, { numExamples: String(m.numExamples), loss: m.loss, accuracy: m.accuracy, auc: m.auc });
    this.opts.logger.info({ round: task.roundNumber, auc: m.auc, loss: m.loss }, 'evaluation submitted');
  }
}
