import {
  advanceCardStateInPlace,
  BEHAVIOUR_FEATURES,
  behaviouralFeatures,
  featureWidth,
  TRANSACTION_COLUMNS,
  type CardStateStore,
  type CardTransaction,
} from '@syndicate/protocol';
import { cellEncoders } from '../data/encode-row';
import { parseTransaction } from '../data/raw-transaction';
import { cardPart, cardPartOfBytes } from './card-partition';
import { parseDecimalBytes } from './byte-fields';
import { CsvChunkReader, fieldText, type CsvChunk } from './csv-chunks';
import { LineBytes } from './score-lines';
import type { ScoringModel } from './scoring-model';
import { TextCodes } from './text-codes';
import type { FieldProblem } from './transaction-encoder';

/** One chunk of a transaction file, scored: rows in file order, bad rows left out and listed. */
export interface ScoredChunk {
  rows: number;
  /** Each scored row's record in the chunk (a thread scores only its own cards' records). */
  records: Int32Array;
  scores: Float64Array;
  cardIds: string[];
  /** Each row's `tx_id,card_id,` (`card_id,` without a tx_id column), the start of its output line. */
  prefixes: LineBytes;
  hasTxIds: boolean;
  problems: { row: number; problems: FieldProblem[] }[];
}

/** Card histories as the batch keeps them: merchants and regions by code (see `PlaceName`). */
export type CodedCardStore = CardStateStore<number>;

/** This thread's share of the cards (`cardPart`): all of them by default. */
export interface CardShare {
  index: number;
  count: number;
}

const MAX_ID_LENGTH = 128;
/** Distinct card ids given a shared string; past it each row makes its own (same text, same card). */
const CARD_CODES = 1 << 20;
/** Distinct texts of a schema column whose encoding is kept. */
const CELL_CODES = 1 << 16;
const DERIVED = BEHAVIOUR_FEATURES as readonly string[];

/**
 * `syndicate-agent score`'s engine: the file read in chunks of byte offsets,
 * each row's behavioural features computed by the same functions as training
 * and serving from the card's history, encoded by the training row encoder's
 * own per-feature encoders straight into a rows x inputs matrix, and scored a
 * chunk at a time. Texts are read as codes from the bytes (`TextCodes`): the
 * histories name merchants and regions by code, and a schema column's encoding
 * is computed once per distinct text. A row the fast path is not sure of
 * (quoted with escapes, outside the plain number or id forms, any problem)
 * goes through the per-record path `serve` uses, which also words its
 * problems, so both paths give the same scores and messages (batch-score.spec.ts
 * checks the scores bit for bit).
 */
export class BatchRows {
  private readonly encoders;
  private readonly offsets: number[] = [];
  private readonly widths: number[];
  private readonly derivedIndex: number[];
  private readonly inputDim: number;
  private readonly cards = new TextCodes(CARD_CODES);
  private readonly merchants = new TextCodes();
  private readonly regions = new TextCodes();
  private cellCodes: TextCodes[] = [];
  /** Per schema column and text code: its encoded columns, or null when the encoder refuses the text. */
  private cellCache: (Float32Array | null | undefined)[][] = [];
  private header?: Map<string, number>;
  private col = { card: -1, ts: -1, amount: -1, merchant: -1, region: -1, tx: -1 };
  private featureColumn: number[] = [];
  private x = new Float32Array(0);
  private scores = new Float64Array(0);
  private readonly values = new Array<number>(BEHAVIOUR_FEATURES.length).fill(0);
  private readonly tx: CardTransaction<number> = { cardId: '', ts: 0, amount: 0, merchantId: 0, region: 0 };
  private readonly scratch: Float32Array;

  /** `store` must be this run's own: its card states are advanced in place. */
  constructor(
    private readonly model: ScoringModel,
    private readonly store: CodedCardStore,
    private readonly share: CardShare = { index: 0, count: 1 },
  ) {
    const schema = model.plan.schema;
    this.inputDim = model.scorer.inputDim;
    this.encoders = cellEncoders(schema);
    this.widths = schema.features.map(featureWidth);
    this.widths.reduce((at, w) => (this.offsets.push(at), at + w), 0);
    this.derivedIndex = schema.features.map((f) => DERIVED.indexOf(f.name));
    this.scratch = new Float32Array(this.inputDim);
  }

  /** Reads the header record; the reader then keeps only its width of fields. */
  setHeader(chunk: CsvChunk, reader: CsvChunkReader): void {
    const names = Array.from({ length: chunk.width }, (_, i) => fieldText(chunk, 0, i)).filter(
      (t): t is string => t !== undefined,
    );
    const h = new Map(names.map((f, i) => [f, i]));
    this.header = h;
    const at = (name: string) => h.get(name) ?? -1;
    const c = TRANSACTION_COLUMNS;
    this.col = {
      card: at(c.cardId),
      ts: at(c.ts),
      amount: at(c.amount),
      merchant: at(c.merchantId),
      region: at(c.region),
      tx: names.indexOf('tx_id'),
    };
    const schema = this.model.plan.schema;
    this.featureColumn = schema.features.map((f) => at(f.name));
    this.cellCodes = schema.features.map(() => new TextCodes(CELL_CODES));
    this.cellCache = schema.features.map(() => []);
    reader.setWidth(names.length);
  }

  /** Features, encoding and scores of one chunk of records. */
  score(chunk: CsvChunk): ScoredChunk {
    if (this.x.length < chunk.records * this.inputDim) {
      this.x = new Float32Array(chunk.records * this.inputDim);
      this.scores = new Float64Array(chunk.records);
    }
    const out: ScoredChunk = {
      rows: 0,
      records: new Int32Array(chunk.records),
      scores: this.scores,
      cardIds: [],
      prefixes: new LineBytes(),
      hasTxIds: this.col.tx >= 0,
      problems: [],
    };
    const shared = this.share.count > 1;
    for (let r = 0; r < chunk.records; r++) {
      if (shared && this.owner(chunk, r) !== this.share.index) continue;
      const at = out.rows * this.inputDim;
      const cardId = this.fastRow(chunk, r, at) ?? this.slowRow(chunk, r, at, out);
      if (cardId === undefined) continue;
      out.cardIds.push(cardId);
      const p = out.prefixes;
      if (this.col.tx >= 0) {
        const k = r * chunk.width + this.col.tx;
        if (chunk.start[k] >= 0 && !chunk.escaped[k]) p.bytes(chunk.buf, chunk.start[k], chunk.end[k]);
        else p.text(fieldText(chunk, r, this.col.tx) ?? '');
        p.byte(44);
      }
      p.text(cardId);
      p.byte(44);
      p.endLine();
      out.records[out.rows++] = r;
    }
    this.model.scorer.scoreBatch(this.x, out.rows, this.scores);
    return out;
  }

  /**
   * Whether field k is an id the per-record parser would take as it is (non-empty, short, nothing to trim):
   * anything else (quoted with escapes, non-ASCII at an end) is left to it.
   */
  private plainId(chunk: CsvChunk, k: number): boolean {
    const s = chunk.start[k];
    const e = chunk.end[k];
    if (s < 0 || chunk.escaped[k] || e <= s || e - s > MAX_ID_LENGTH) return false;
    const first = chunk.buf[s];
    const last = chunk.buf[e - 1];
    return first > 32 && first < 0x80 && last > 32 && last < 0x80;
  }

  /**
   * The thread that owns record r's card: from the card id's bytes when they
   * are plain, else from the card id the per-record parser reads (a row with
   * none is the first thread's, which reports it).
   */
  private owner(chunk: CsvChunk, r: number): number {
    const k = r * chunk.width + this.col.card;
    const count = this.share.count;
    if (this.col.card >= 0 && this.plainId(chunk, k))
      return cardPartOfBytes(chunk.buf, chunk.start[k], chunk.end[k], count);
    const p = parseTransaction((f) => this.field(chunk, r, f));
    return p.ok ? cardPart(p.tx.cardId, count) : 0;
  }

  private field(chunk: CsvChunk, r: number, name: string): string | undefined {
    const i = this.header!.get(name);
    return i === undefined ? undefined : fieldText(chunk, r, i);
  }

  private number(chunk: CsvChunk, k: number): number {
    if (chunk.start[k] < 0 || chunk.escaped[k]) return NaN;
    return parseDecimalBytes(chunk.buf, chunk.start[k], chunk.end[k]);
  }

  /** Encodes row r at `at` when it is plainly valid; undefined leaves it to the per-record path. */
  private fastRow(chunk: CsvChunk, r: number, at: number): string | undefined {
    const col = this.col;
    const base = r * chunk.width;
    if (col.card < 0 || col.merchant < 0 || col.region < 0 || col.ts < 0 || col.amount < 0) return undefined;
    const kc = base + col.card;
    const km = base + col.merchant;
    const kr = base + col.region;
    if (!this.plainId(chunk, kc) || !this.plainId(chunk, km) || !this.plainId(chunk, kr)) return undefined;
    const ts = this.number(chunk, base + col.ts);
    const amount = this.number(chunk, base + col.amount);
    if (!(ts >= 0) || !(amount >= 0)) return undefined;
    const buf = chunk.buf;
    const code = this.cards.code(buf, chunk.start[kc], chunk.end[kc]);
    const cardId = code >= 0 ? this.cards.texts[code] : buf.toString('utf8', chunk.start[kc], chunk.end[kc]);
    const tx = this.tx;
    tx.cardId = cardId;
    tx.ts = ts;
    tx.amount = amount;
    tx.merchantId = this.merchants.code(buf, chunk.start[km], chunk.end[km]);
    tx.region = this.regions.code(buf, chunk.start[kr], chunk.end[kr]);
    const before = this.store.get(cardId);
    const values = behaviouralFeatures(tx, before, this.values);
    const x = this.x;
    const encoders = this.encoders;
    for (let j = 0; j < encoders.length; j++) {
      const d = this.derivedIndex[j];
      const e = encoders[j];
      const to = at + this.offsets[j];
      if (d >= 0) {
        if ((e.value ? e.value(values[d], x, to) : e.cell(String(values[d]), x, to)) !== null) return undefined;
      } else if (!this.fileCell(chunk, r, j, to)) return undefined;
    }
    // The store is this run's own: its states are advanced in place, with no copy per row.
    this.store.set(cardId, advanceCardStateInPlace(before, tx));
    return cardId;
  }

  /**
   * Encodes schema feature j from its column of record r at `to`: a number
   * straight from its bytes, a text through the encoding kept for its code.
   * False when the encoder has a problem with it.
   */
  private fileCell(chunk: CsvChunk, r: number, j: number, to: number): boolean {
    const e = this.encoders[j];
    const i = this.featureColumn[j];
    const k = r * chunk.width + i;
    const x = this.x;
    if (i < 0) return e.cell(undefined, x, to) === null;
    if (chunk.start[k] < 0 || chunk.escaped[k]) return e.cell(fieldText(chunk, r, i), x, to) === null;
    const s = chunk.start[k];
    const end = chunk.end[k];
    if (e.value) {
      // A plain decimal is never a missing token and parses to what the cell encoder would parse.
      const v = parseDecimalBytes(chunk.buf, s, end);
      if (!Number.isNaN(v)) return e.value(v, x, to) === null;
      return e.cell(chunk.buf.toString('utf8', s, end), x, to) === null;
    }
    const code = this.cellCodes[j].code(chunk.buf, s, end);
    if (code < 0) return e.cell(chunk.buf.toString('utf8', s, end), x, to) === null;
    let encoded = this.cellCache[j][code];
    if (encoded === undefined) {
      const ok = e.cell(this.cellCodes[j].texts[code], this.scratch, 0) === null;
      encoded = ok ? this.scratch.slice(0, this.widths[j]) : null;
      this.cellCache[j][code] = encoded;
    }
    if (encoded === null) return false;
    for (let c = 0; c < encoded.length; c++) x[to + c] = encoded[c];
    return true;
  }

  private slowRow(chunk: CsvChunk, r: number, at: number, out: ScoredChunk): string | undefined {
    const coded = (t: CardTransaction): CardTransaction<number> => ({
      ...t,
      merchantId: this.merchants.codeOf(t.merchantId),
      region: this.regions.codeOf(t.region),
    });
    const p = this.model.prepareWith(
      (f) => this.field(chunk, r, f),
      (t) => behaviouralFeatures(coded(t), this.store.get(t.cardId)),
    );
    if (!p.ok) {
      out.problems.push({ row: chunk.row[r], problems: p.problems });
      return undefined;
    }
    this.x.set(p.x, at);
    this.store.set(p.tx.cardId, advanceCardStateInPlace(this.store.get(p.tx.cardId), coded(p.tx)));
    return p.tx.cardId;
  }
}

/** `store` must be this run's own: its card states are advanced in place. */
export async function* scoredChunks(
  model: ScoringModel,
  file: string,
  store: CodedCardStore,
  share?: CardShare,
): AsyncGenerator<ScoredChunk> {
  const reader = new CsvChunkReader(file);
  const rows = new BatchRows(model, store, share);
  let header = false;
  for await (const chunk of reader.chunks()) {
    if (!header) {
      rows.setHeader(chunk, reader);
      header = true;
      continue;
    }
    yield rows.score(chunk);
  }
}
