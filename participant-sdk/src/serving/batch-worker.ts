import * as path from 'path';
import { isMainThread, parentPort, workerData } from 'worker_threads';
import { BoundedCardStore, type DataSchema, type ModelSpec } from '@syndicate/protocol';
import { scoredChunks, type CardShare, type ScoredChunk } from './batch-rows';
import { scoreLines } from './score-lines';
import { ScoringModel } from './scoring-model';

/** What a scoring thread is started with. */
export interface BatchWorkerData {
  kind: 'syndicate-batch-score';
  file: string;
  model: { version: string; plan: { schema: DataSchema; model: ModelSpec }; weights: Float32Array };
  share: CardShare;
  maxCards: number;
  threshold: number;
  /** Chunks sent and not yet taken by the main thread, past which this thread waits. */
  window: number;
}

/** One chunk of a scoring thread's rows, its output lines ready. */
export interface ThreadChunk {
  rows: number;
  records: Int32Array;
  bytes: Uint8Array;
  ends: Int32Array;
  problems: ScoredChunk['problems'];
}

export type WorkerMessage =
  ({ kind: 'chunk' } & ThreadChunk) | { kind: 'done' } | { kind: 'error'; message: string; stack?: string };

/**
 * The compiled worker script. Under ts-jest this module is the TypeScript
 * source, which a worker cannot run: the build's copy next to it is used.
 */
export function batchWorkerScript(): string {
  const here = __filename.endsWith('.ts') ? path.join(__dirname, '..', '..', 'dist', 'serving') : __dirname;
  return path.join(here, 'batch-worker.js');
}

/** A thread's own chunk as lines, in the form threads exchange. */
export function threadChunk(c: ScoredChunk, threshold: number): ThreadChunk {
  const lines = scoreLines(c.prefixes, c.scores, c.rows, threshold);
  return { rows: c.rows, records: c.records.slice(0, c.rows), ...lines, problems: c.problems };
}

/** The scoring thread: its share of the cards, scored chunk by chunk, sent to the main thread in file order. */
async function run(d: BatchWorkerData): Promise<void> {
  const port = parentPort!;
  const model = new ScoringModel(d.model.version, d.model.plan, d.model.weights);
  const store = new BoundedCardStore<number>(d.maxCards);
  let unacked = 0;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    unacked--;
    wake?.();
  });
  for await (const c of scoredChunks(model, d.file, store, d.share)) {
    const t = threadChunk(c, d.threshold);
    const message: WorkerMessage = { kind: 'chunk', ...t };
    port.postMessage(message, [t.records.buffer, t.bytes.buffer, t.ends.buffer] as ArrayBuffer[]);
    unacked++;
    while (unacked >= d.window) await new Promise<void>((resolve) => (wake = resolve));
  }
  // The main thread ends this thread once it has everything.
  port.postMessage({ kind: 'done' } satisfies WorkerMessage);
}

if (!isMainThread && (workerData as BatchWorkerData | undefined)?.kind === 'syndicate-batch-score')
  run(workerData as BatchWorkerData).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort!.postMessage({ kind: 'error', message: e.message, stack: e.stack } satisfies WorkerMessage);
  });
