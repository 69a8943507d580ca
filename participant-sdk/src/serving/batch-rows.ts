import {
  advanceCardState,
  advanceCardStateInPlace,
  BEHAVIOUR_FEATURES,
  behaviouralFeatures,
  featureWidth,
  TRANSACTION_COLUMNS,
  type CardStateStore,
} from '@syndicate/protocol';
import { parseNumericCell } from '../data/cell-values';
import { cellEncoders } from '../data/encode-row';
import { Interner, parseDecimalBytes } from './byte-fields';
import { CsvChunkReader, fieldText } from './csv-chunks';
import type { ScoringModel } from './scoring-model';
import type { FieldProblem } from './transaction-encoder';

/** One chunk of a transaction file, scored: rows in file order, bad rows left out and listed. */
export interface ScoredChunk {
  rows: number;
  scores: Float64Array;
  cardIds: string[];
  /** The file's `tx_id` of each row, when it has that column. */
  txIds?: string[];
  problems: { row: number; problems: FieldProblem[] }[];
}

const MAX_ID_LENGTH = 128;
const isSpace = (c: number) => c <= 32 || c === 0xa0 || c >= 0x1680;
/** An id the per-record parser would take as it is (non-empty, short, nothing to trim); anything else goes its way. */
const plainId = (s: string | undefined): s is string =>
  s !== undefined &&
  s.length > 0 &&
  s.length <= MAX_ID_LENGTH &&
  !isSpace(s.charCodeAt(0)) &&
  !isSpace(s.charCodeAt(s.length - 1));

/**
 * `syndicate-agent score`'s engine: the file read in chunks of byte offsets,
 * each row's behavioural features computed by the same functions as training
 * and serving from the card's history, encoded by the training row encoder's
 * own per-feature encoders straight into a rows x inputs matrix, and scored a
 * chunk at a time. A row the fast path is not sure of (quoted, out of the
 * plain number or id forms, any problem) goes through the per-record path
 * `serve` uses, which also words its problems, so both paths give the same
 * scores and messages (batch-score.spec.ts checks the scores bit for bit).
 */
/** `store` must be this run's own: its card states are advanced in place. */
export async function* scoredChunks(
  model: ScoringModel,
  file: string,
  store: CardStateStore,
): AsyncGenerator<ScoredChunk> {
  const reader = new CsvChunkReader(file);
  const schema = model.plan.schema;
  const inputDim = model.scorer.inputDim;
  const encoders = cellEncoders(schema);
  const offsets: number[] = [];
  schema.features.reduce((at, f) => (offsets.push(at), at + featureWidth(f)), 0);
  const derivedIndex = schema.features.map((f) => (BEHAVIOUR_FEATURES as readonly string[]).indexOf(f.name));
  let header: Map<string, number> | undefined;
  let columns: { card: number; ts: number; amount: number; merchant: number; region: number; tx: number } | undefined;
  let featureColumn: number[] = [];
  let interners: Interner[] = [];
  let x = new Float32Array(0);
  let scores = new Float64Array(0);
  const features = new Array<number>(BEHAVIOUR_FEATURES.length);
  for await (const chunk of reader.chunks()) {
    if (!header) {
      const names = Array.from({ length: chunk.width }, (_, i) => fieldText(chunk, 0, i)).filter(
        (t): t is string => t !== undefined,
      );
      header = new Map(names.map((f, i) => [f, i]));
      const h = header;
      const at = (name: string) => h.get(name) ?? -1;
      const c = TRANSACTION_COLUMNS;
      columns = {
        card: at(c.cardId),
        ts: at(c.ts),
        amount: at(c.amount),
        merchant: at(c.merchantId),
        region: at(c.region),
        tx: names.indexOf('tx_id'),
      };
      featureColumn = schema.features.map((f) => at(f.name));
      interners = names.map(() => new Interner());
      reader.setWidth(names.length);
      continue;
    }
    const col = columns!;
    const text = (r: number, i: number): string | undefined => {
      const k = r * chunk.width + i;
      if (i < 0 || chunk.start[k] < 0) return undefined;
      return chunk.escaped[k] ? fieldText(chunk, r, i) : interners[i].get(chunk.buf, chunk.start[k], chunk.end[k]);
    };
    const number = (r: number, i: number): number => {
      const k = r * chunk.width + i;
      if (i < 0 || chunk.start[k] < 0 || chunk.escaped[k]) return NaN;
      const v = parseDecimalBytes(chunk.buf, chunk.start[k], chunk.end[k]);
      return Number.isNaN(v) ? (parseNumericCell(text(r, i)!) ?? NaN) : v;
    };
    if (x.length < chunk.records * inputDim) {
      x = new Float32Array(chunk.records * inputDim);
      scores = new Float64Array(chunk.records);
    }
    const out: ScoredChunk = { rows: 0, scores, cardIds: [], problems: [] };
    if (col.tx >= 0) out.txIds = [];
    for (let r = 0; r < chunk.records; r++) {
      const at = out.rows * inputDim;
      const cardId = fastRow(r, at) ?? slowRow(r, at);
      if (cardId === undefined) continue;
      out.cardIds.push(cardId);
      out.txIds?.push(fieldText(chunk, r, col.tx) ?? '');
      out.rows++;
    }
    model.scorer.scoreBatch(x, out.rows, scores);
    yield out;

    /** Encodes row r at `at` when it is plainly valid; undefined leaves it to the per-record path. */
    function fastRow(r: number, at: number): string | undefined {
      const cardId = text(r, col.card);
      const merchantId = text(r, col.merchant);
      const region = text(r, col.region);
      const ts = number(r, col.ts);
      const amount = number(r, col.amount);
      if (!plainId(cardId) || !plainId(merchantId) || !plainId(region) || !(ts >= 0) || !(amount >= 0))
        return undefined;
      const tx = { cardId, ts, amount, merchantId, region };
      const before = store.get(cardId);
      const values = behaviouralFeatures(tx, before, features);
      for (let j = 0; j < encoders.length; j++) {
        const d = derivedIndex[j];
        const e = encoders[j];
        const problem =
          d < 0
            ? e.cell(text(r, featureColumn[j]), x, at + offsets[j])
            : e.value
              ? e.value(values[d], x, at + offsets[j])
              : e.cell(String(values[d]), x, at + offsets[j]);
        if (problem) return undefined;
      }
      // The store is this run's own: its states are advanced in place, with no copy per row.
      store.set(cardId, advanceCardStateInPlace(before, tx));
      return cardId;
    }

    function slowRow(r: number, at: number): string | undefined {
      const h = header!;
      const p = model.prepare(
        (f) => {
          const i = h.get(f);
          return i === undefined ? undefined : fieldText(chunk, r, i);
        },
        (card) => store.get(card),
      );
      if (!p.ok) {
        out.problems.push({ row: chunk.row[r], problems: p.problems });
        return undefined;
      }
      x.set(p.x, at);
      store.set(p.tx.cardId, advanceCardState(store.get(p.tx.cardId), p.tx));
      return p.tx.cardId;
    }
  }
}
