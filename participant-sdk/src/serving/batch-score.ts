import * as fs from 'fs';
import { BoundedCardStore, advanceCardState } from '@syndicate/protocol';
import { csvRecords } from '../data/csv-records';
import { DataValidationError, ProblemList } from '../data/data-errors';
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
  let header: Map<string, number> | undefined;
  let idColumn = -1;
  let rows = 0;
  let buffer: string[] = [];
  const flush = async () => {
    if (!out.write(buffer.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
    buffer = [];
  };
  for await (const { row, fields } of csvRecords(o.data)) {
    if (!header) {
      header = new Map(fields.map((f, i) => [f, i]));
      idColumn = fields.indexOf('tx_id');
      buffer.push(`${idColumn >= 0 ? 'tx_id,' : ''}card_id,score,decision\n`);
      continue;
    }
    const h = header;
    const p = o.model.prepare(
      (f) => {
        const i = h.get(f);
        return i === undefined ? undefined : fields[i];
      },
      (card) => store.get(card),
    );
    if (!p.ok) {
      for (const q of p.problems) problems.add(`row ${row}, column ${q.field}: ${q.message}`);
      continue;
    }
    const score = o.model.scorer.score(p.x);
    store.set(p.tx.cardId, advanceCardState(store.get(p.tx.cardId), p.tx));
    buffer.push(
      `${idColumn >= 0 ? `${fields[idColumn]},` : ''}${p.tx.cardId},${score.toFixed(6)},${score >= o.threshold ? 'alert' : 'approve'}\n`,
    );
    rows++;
    if (buffer.length >= 4096) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (problems.count)
    throw new DataValidationError(o.data, [...problems.error(o.data).problems], problems.error(o.data).moreProblems);
  return { rows, seconds, cpuSeconds };
}
