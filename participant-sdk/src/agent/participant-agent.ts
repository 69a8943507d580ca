import {
  modelLayout,
  modelPayloadFloats,
  parseTrainingPlanJson,
  planSecureSpec,
  type Task__Output,
} from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import { KeyRing } from '../crypto/key-ring';
import type { Dataset } from '../data/csv-dataset';
import type { AgentContext } from './agent-context';
import { CoordinatorCallError, CoordinatorClient } from './coordinator-client';
import { TASK_EXECUTORS } from './executors/task-executors';
import { handleNotice } from './federation-notice';
import { MemberData } from './member-data';
import { classifyRefusal } from './refusals';
import { RoundMemory } from './round-memory';
import { TaskQueue } from './task-queue';
import { TaskStream } from './task-stream';

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

/**
 * The bank-side daemon: holds one outbound stream open and runs tasks one at a
 * time, each through the executor for its kind.
 */
export class ParticipantAgent {
  private readonly ctx: AgentContext;
  private readonly queue = new TaskQueue<Task__Output>();
  private readonly stream: TaskStream;
  private working = false;
  private stopped = false;
  private stopResolve?: () => void;
  private fatal?: Error;

  constructor(opts: AgentOptions) {
    const plan = parseTrainingPlanJson(opts.identity.planJson);
    const client = new CoordinatorClient(opts.identity);
    this.ctx = {
      identity: opts.identity,
      client,
      keys: new KeyRing(opts.identity, client),
      logger: opts.logger,
      spec: planSecureSpec(plan),
      numParams: modelLayout(plan).numParams,
      payloadFloats: modelPayloadFloats(plan),
      data: new MemberData(plan, opts.train, opts.holdout),
      memory: new RoundMemory(),
      files: { keepUpdatesDir: opts.keepUpdatesDir, stateDir: opts.stateDir, dataFile: opts.dataFile },
    };
    this.stream = new TaskStream(
      client,
      AGENT_VERSION,
      opts.logger,
      {
        task: (task) => this.enqueue(task),
        notice: (notice) => handleNotice(notice, this.queue, opts.logger),
        fatal: (err) => {
          this.fatal = err;
          this.stop();
        },
      },
      opts.healthDir,
    );
  }

  /** Resolves when stop() is called; rejects on a refusal retrying cannot fix. */
  async run(): Promise<void> {
    const finished = new Promise<void>((resolve) => (this.stopResolve = resolve));
    this.stream.start();
    await finished;
    this.ctx.client.close();
    this.ctx.keys.dispose();
    if (this.fatal) throw this.fatal;
  }

  stop(): void {
    this.stopped = true;
    this.stream.stop();
    this.stopResolve?.();
  }

  private enqueue(task: Task__Output): void {
    if (this.queue.offer(task)) void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (!this.stopped) {
        const task = this.queue.take();
        if (!task) break;
        await this.runOne(task);
      }
    } finally {
      this.working = false;
    }
  }

  private async runOne(task: Task__Output): Promise<void> {
    const log = this.ctx.logger;
    try {
      await TASK_EXECUTORS[task.type]?.execute(task, this.ctx);
      this.queue.settle(task);
    } catch (err) {
      const reason = err instanceof CoordinatorCallError ? err.reason : '';
      const outcome = classifyRefusal(reason);
      if (outcome === 'already-settled') {
        this.queue.settle(task);
        log.info({ type: task.type, round: task.roundNumber, reason }, 'task already settled');
      } else if (outcome === 'not-a-key-member') {
        this.queue.settle(task);
        log.info({ type: task.type, round: task.roundNumber }, 'skipped: this member joins at the next key epoch');
      } else {
        this.queue.release(task);
        log.error(
          { task: task.taskId, type: task.type, round: task.roundNumber, err: (err as Error).message },
          'task failed',
        );
      }
    }
  }
}
