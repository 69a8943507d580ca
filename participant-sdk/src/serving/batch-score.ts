import * as fs from 'fs';
import { BoundedCardStore } from '@syndicate/protocol';
import { DataValidationError, ProblemList } from '../data/data-errors';
import { scoredChunks } from './batch-rows';
import type { ScoringModel } from './scoring-model';

/**
 * `syndicate-agent score`: a transaction file in, one score per row out, with
 * each card's history built as the file goes (the file in time order per card,
 * as for training). A bad row is listed with its row number and scored as
 * nothing; the run fails at the end if any row was bad.
 */
export async function scoreFile(o: {
  model: ScoringModel;
  data: string;
  out: string;
  threshold: number;
  maxCards?: number;
}): Promise<{ rows: number; seconds: number; cpuSeconds: number }> {
  const store = new BoundedCardStore(o.maxCards);
  const problems = new ProblemList();
  const out = fs.createWriteStream(o.out);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  let headerWritten = false;
  const write = async (text: string) => {
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  for await (const chunk of scoredChunks(o.model, o.data, store)) {
    const lines: string[] = headerWritten ? [] : [`${chunk.txIds ? 'tx_id,' : ''}card_id,score,decision\n`];
    headerWritten = true;
    const ids = chunk.txIds;
    for (let i = 0; i < chunk.rows; i++) {
      const score = chunk.scores[i];
      const decision = score >= o.threshold ? 'alert' : 'approve';
      lines.push(`${ids ? `${ids[i]},` : ''}${chunk.cardIds[i]},${score.toFixed(6)},${decision}\n`);
    }
    for (const p of chunk.problems)
      for (const q of p.problems) problems.add(`row ${p.row}, column ${q.field}: ${q.message}`);
    rows += chunk.rows;
    await write(lines.join(''));
  }
  if (!headerWritten) await write('card_id,score,decision\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (problems.count)
    throw new DataValidationError(o.data, [...problems.error(o.data).problems], problems.error(o.data).moreProblems);
  return { rows, seconds, cpuSeconds };
}
