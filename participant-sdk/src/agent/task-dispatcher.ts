import type { Task__Output, TaskType__Output } from '@syndicate/protocol';
import { TrustRefusal } from '../trust/trust-refusal';
import type { Logger } from 'pino';
import type { AgentContext } from './agent-context';
import { CoordinatorCallError } from './coordinator-client';
import type { TaskExecutor } from './executors/task-executor';
import { classifyRefusal } from './refusals';
import { TaskQueue } from './task-queue';

export type TaskExecutors = Readonly<Partial<Record<TaskType__Output, TaskExecutor>>>;

/**
 * Runs offered tasks one at a time, each through the executor for its kind, and
 * decides from the outcome whether the task is settled or may run again when re-offered.
 */
export class TaskDispatcher {
  private readonly queue = new TaskQueue<Task__Output>();
  private working = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly executors: TaskExecutors,
    private readonly ctx: AgentContext,
    private readonly log: Logger = ctx.logger,
  ) {}

  offer(task: Task__Output): void {
    if (this.queue.offer(task)) void this.drain();
  }

  /** Drops queued work for a cancelled round; returns how many tasks were dropped. */
  dropRound(roundId: string): number {
    return this.queue.dropRound(roundId);
  }

  /** Runs nothing more; the task running now finishes. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once every queued task has run. */
  idle(): Promise<void> {
    return this.working ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
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
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async runOne(task: Task__Output): Promise<void> {
    try {
      await this.executors[task.type]?.execute(task, this.ctx);
      this.queue.settle(task);
    } catch (err) {
      const reason = err instanceof CoordinatorCallError ? err.reason : err instanceof TrustRefusal ? err.reason : '';
      const outcome = classifyRefusal(reason);
      if (outcome === 'already-settled') {
        this.queue.settle(task);
        this.log.info({ type: task.type, round: task.roundNumber, reason }, 'task already settled');
      } else if (outcome === 'not-a-key-member') {
        this.queue.settle(task);
        this.log.info({ type: task.type, round: task.roundNumber }, 'skipped: this member joins at the next key epoch');
      } else {
        this.queue.release(task);
        this.log.error(
          { task: task.taskId, type: task.type, round: task.roundNumber, reason, err: (err as Error).message },
          'task failed',
        );
      }
    }
  }
}
