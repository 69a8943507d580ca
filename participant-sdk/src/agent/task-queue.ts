/** What makes two offers the same piece of work: the coordinator re-offers open tasks every few seconds. */
export interface TaskIdentity {
  type: string;
  modelVersionId: string;
  roundId: string;
  keyEpoch: number;
  publisher: boolean;
}

export const taskKey = (t: TaskIdentity): string =>
  `${t.type}:${t.modelVersionId}:${t.roundId}:${t.keyEpoch}:${t.publisher}`;

/**
 * The agent's work list, first offered first run. Pure: no I/O, no timers. A re-offer of
 * queued, running or settled work is ignored; work that failed may be offered again.
 */
export class TaskQueue<T extends TaskIdentity> {
  private pending: T[] = [];
  private readonly settled = new Set<string>();
  private running?: string;

  /** Queues the task unless it is already known; says whether it was new work. */
  offer(task: T): boolean {
    const key = taskKey(task);
    if (this.settled.has(key) || key === this.running) return false;
    if (this.pending.some((t) => taskKey(t) === key)) return false;
    this.pending.push(task);
    return true;
  }

  /** The next task to run, now marked running; undefined when nothing is left. */
  take(): T | undefined {
    for (let task = this.pending.shift(); task; task = this.pending.shift()) {
      const key = taskKey(task);
      if (this.settled.has(key)) continue;
      this.running = key;
      return task;
    }
    this.running = undefined;
    return undefined;
  }

  /** The running task is done (or was already done): its re-offers are ignored from now on. */
  settle(task: T): void {
    this.settled.add(taskKey(task));
    if (this.running === taskKey(task)) this.running = undefined;
  }

  /** The running task failed: a later offer runs it again. */
  release(task: T): void {
    if (this.running === taskKey(task)) this.running = undefined;
  }

  /** Drops queued work for a cancelled round; returns how many tasks were dropped. */
  dropRound(roundId: string): number {
    const before = this.pending.length;
    this.pending = this.pending.filter((t) => t.roundId !== roundId);
    return before - this.pending.length;
  }

  get size(): number {
    return this.pending.length;
  }

  isSettled(task: T): boolean {
    return this.settled.has(taskKey(task));
  }
}
