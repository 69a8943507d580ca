import { Worker } from 'worker_threads';
import { BoundedCardStore } from '@syndicate/protocol';
import { scoredChunks, type ScoredChunk } from './batch-rows';
import {
  batchWorkerScript,
  threadChunk,
  type BatchWorkerData,
  type ThreadChunk,
  type WorkerMessage,
} from './batch-worker';
import type { ScoringModel } from './scoring-model';

/** A chunk of the output file: every thread's lines in file order. */
export interface MergedChunk {
  rows: number;
  bytes: Uint8Array;
  problems: ScoredChunk['problems'];
  hasTxIds: boolean;
}

/** Chunks one thread may run ahead of the slowest before it waits. */
const WINDOW = 32;

/**
 * Batch scoring on `threads` threads (this one and threads - 1 workers),
 * each owning the cards `cardPart` gives it: a card's transactions are all
 * scored by one thread, in file order, against the history only that thread
 * keeps, so every score is what one thread would give. Each thread reads the
 * whole file (reading and splitting records is a small part of the work) and
 * scores its own records; the lines are merged back into file order chunk by
 * chunk. Each thread keeps at most maxCards / threads cards.
 */
export async function* parallelScoredChunks(o: {
  model: ScoringModel;
  file: string;
  threshold: number;
  maxCards: number;
  threads: number;
}): AsyncGenerator<MergedChunk> {
  const portable = o.model.portable();
  if (!portable) throw new Error('this model cannot be scored on several threads');
  const count = o.threads;
  const maxCards = Math.ceil(o.maxCards / count);
  const workers = Array.from({ length: count - 1 }, (_, i) => new ThreadQueue(o, portable, i + 1, count, maxCards));
  try {
    const own: { chunk: ThreadChunk; hasTxIds: boolean }[] = [];
    const merged = async function* (all: boolean) {
      while (own.length > 0 && (all || own.length > WINDOW || workers.every((w) => w.ready()))) {
        const mine = own.shift()!;
        const theirs = await Promise.all(workers.map((w) => w.next()));
        yield { ...mergeChunks([mine.chunk, ...theirs]), hasTxIds: mine.hasTxIds };
      }
    };
    const store = new BoundedCardStore<number>(maxCards);
    for await (const c of scoredChunks(o.model, o.file, store, { index: 0, count })) {
      own.push({ chunk: threadChunk(c, o.threshold), hasTxIds: c.hasTxIds });
      yield* merged(false);
    }
    yield* merged(true);
    await Promise.all(workers.map((w) => w.finished()));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The threads' lines of one chunk, merged into file order (each thread's records ascending). */
export function mergeChunks(parts: ThreadChunk[]): Omit<MergedChunk, 'hasTxIds'> {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.bytes.length, 0));
  const next = parts.map(() => 0);
  let at = 0;
  let rows = 0;
  for (;;) {
    let best = -1;
    for (let t = 0; t < parts.length; t++)
      if (next[t] < parts[t].rows && (best < 0 || parts[t].records[next[t]] < parts[best].records[next[best]]))
        best = t;
    if (best < 0) break;
    const p = parts[best];
    const i = next[best]++;
    const src = p.bytes;
    for (let k = i === 0 ? 0 : p.ends[i - 1], end = p.ends[i]; k < end; k++) bytes[at++] = src[k];
    rows++;
  }
  const problems = parts.flatMap((p) => p.problems).sort((a, b) => a.row - b.row);
  return { rows, bytes, problems };
}

/** One worker thread and the chunks it has sent, taken in order. */
class ThreadQueue {
  private readonly worker: Worker;
  private readonly chunks: ThreadChunk[] = [];
  private done = false;
  private failure?: Error;
  private wake?: () => void;

  constructor(
    o: { file: string; threshold: number },
    model: NonNullable<ReturnType<ScoringModel['portable']>>,
    index: number,
    count: number,
    maxCards: number,
  ) {
    const data: BatchWorkerData = {
      kind: 'syndicate-batch-score',
      file: o.file,
      model,
      share: { index, count },
      maxCards,
      threshold: o.threshold,
      window: WINDOW,
    };
    this.worker = new Worker(batchWorkerScript(), { workerData: data });
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'chunk') this.chunks.push(m);
      else if (m.kind === 'done') this.done = true;
      else this.failure = Object.assign(new Error(m.message), { stack: m.stack });
      this.wake?.();
    });
    this.worker.on('error', (err) => {
      this.failure = err;
      this.wake?.();
    });
    this.worker.on('exit', (code) => {
      if (!this.done) this.failure ??= new Error(`a scoring thread stopped (exit code ${code})`);
      this.wake?.();
    });
  }

  ready(): boolean {
    return this.chunks.length > 0 || this.failure !== undefined;
  }

  async next(): Promise<ThreadChunk> {
    for (;;) {
      if (this.failure) throw this.failure;
      const c = this.chunks.shift();
      if (c) {
        this.worker.postMessage('ack');
        return c;
      }
      if (this.done) throw new Error('a scoring thread read fewer chunks than the main thread');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async finished(): Promise<void> {
    while (!this.done) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.chunks.length > 0) throw new Error('a scoring thread read more chunks than the main thread');
  }

  async stop(): Promise<void> {
    this.done = true;
    await this.worker.terminate();
  }
}
