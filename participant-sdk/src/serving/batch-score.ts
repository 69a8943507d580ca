import * as fs from 'fs';
import { BoundedCardStore, DEFAULT_MAX_CARDS } from '@syndicate/protocol';
import { DataValidationError, ProblemList } from '../data/data-errors';
import { scoredChunks, type CodedCardStore } from './batch-rows';
import { parallelScoredChunks, type MergedChunk } from './parallel-batch';
import { scoreLines } from './score-lines';
import type { ScoringModel } from './scoring-model';

/** The file's output chunk by chunk on one thread. */
async function* oneThread(model: ScoringModel, file: string, threshold: number, maxCards: number) {
  const store: CodedCardStore = new BoundedCardStore<number>(maxCards);
  for await (const c of scoredChunks(model, file, store)) {
    const lines = scoreLines(c.prefixes, c.scores, c.rows, threshold);
    const merged: MergedChunk = { rows: c.rows, bytes: lines.bytes, problems: c.problems, hasTxIds: c.hasTxIds };
    yield merged;
  }
}

/**
 * `syndicate-agent score`: a transaction file in, one score per row out, with
 * each card's history built as the file goes (the file in time order per card,
 * as for training). A bad row is listed with its row number and scored as
 * nothing; the run fails at the end if any row was bad. With several threads
 * (`threads`, default one) each owns a share of the cards and keeps at most
 * maxCards / threads of them; the output is the same as on one thread until
 * cards are evicted. A second thread costs about 0.2 s of CPU to start and
 * reads the whole file again: it pays only with a core to spare and a large
 * file (on the shared development machine it did not; see bench/README.md).
 */
export async function scoreFile(o: {
  model: ScoringModel;
  data: string;
  out: string;
  threshold: number;
  maxCards?: number;
  threads?: number;
}): Promise<{ rows: number; seconds: number; cpuSeconds: number; threads: number }> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  // A personalised blend cannot be rebuilt in another thread: it is scored on this one.
  const threads = o.model.portable() ? (o.threads ?? 1) : 1;
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer`);
  const maxCards = o.maxCards ?? DEFAULT_MAX_CARDS;
  const chunks =
    threads > 1
      ? parallelScoredChunks({ model: o.model, file: o.data, threshold: o.threshold, maxCards, threads })
      : oneThread(o.model, o.data, o.threshold, maxCards);
  const problems = new ProblemList();
  const out = fs.createWriteStream(o.out);
  let rows = 0;
  let headerWritten = false;
  const write = async (data: string | Uint8Array) => {
    if (!out.write(data)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  for await (const chunk of chunks) {
    if (!headerWritten) await write(`${chunk.hasTxIds ? 'tx_id,' : ''}card_id,score,decision\n`);
    headerWritten = true;
    for (const p of chunk.problems)
      for (const q of p.problems) problems.add(`row ${p.row}, column ${q.field}: ${q.message}`);
    rows += chunk.rows;
    await write(chunk.bytes);
  }
  if (!headerWritten) await write('card_id,score,decision\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (problems.count)
    throw new DataValidationError(o.data, [...problems.error(o.data).problems], problems.error(o.data).moreProblems);
  return { rows, seconds, cpuSeconds, threads };
}
