import {
  advanceCardStateInPlace,
  BEHAVIOUR_FEATURES,
  behaviouralFeatures,
  TRANSACTION_COLUMNS,
  type BoundedCardStore,
  type CardState,
  type CardTransaction,
} from '@syndicate/protocol';
import { parseTransaction } from '../data/raw-transaction';
import { cardPart, cardPartOfBytes } from './card-partition';
import { parseDecimalBytes } from './byte-fields';
import { ColumnEncoders } from './column-encoders';
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
export type CodedCardStore = BoundedCardStore<number>;

/** This thread's share of the cards (`cardPart`): all of them by default. */
export interface CardShare {
  index: number;
  count: number;
}

const MAX_ID_LENGTH = 128;
/** Distinct card ids given a shared string; past it each row makes its own (same text, same card). */
const CARD_CODES = 1 << 20;
const DERIVED = BEHAVIOUR_FEATURES as readonly string[];
/** Rows ahead whose card history is read early, so its trip from memory overlaps this row's work. */
const AHEAD = 4;
/** Card code of a record whose card id is not plain (the per-record path reads it), or has no code. */
const NOT_PLAIN = -2;
const NO_CODE = -1;

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
  private readonly columns: ColumnEncoders;
  private readonly derivedIndex: number[];
  private readonly inputDim: number;
  private readonly cards = new TextCodes(CARD_CODES);
  // Unbounded: histories name merchants and regions by code, so each distinct one seen keeps its code
  // (tens of bytes each) for the run.
  private readonly merchants = new TextCodes();
  private readonly regions = new TextCodes();
  private header?: Map<string, number>;
  private col = { card: -1, ts: -1, amount: -1, merchant: -1, region: -1, tx: -1 };
  private featureColumn: number[] = [];
  private x = new Float32Array(0);
  private scores = new Float64Array(0);
  private readonly values = new Array<number>(BEHAVIOUR_FEATURES.length).fill(0);
  private readonly tx: CardTransaction<number> = { cardId: '', ts: 0, amount: 0, merchantId: 0, region: 0 };
  /** Each record's card code in the chunk being scored (or NOT_PLAIN, NO_CODE). */
  private cardCodes = new Int32Array(0);
  /**
   * Each coded card's history, as the store holds it while it has evicted
   * nothing (states are advanced in place, so the object stays the store's):
   * an array read instead of a map lookup. After an eviction the store is asked.
   */
  private readonly stateOf: (CardState<number> | undefined)[] = [];
  /** Each coded card's thread (`cardPart`), computed once. */
  private readonly partOf: number[] = [];
  /** Where the early reads go, so they are not optimised away. */
  private touched = 0;

  /** `store` must be this run's own: its card states are advanced in place. */
  constructor(
    private readonly model: ScoringModel,
    private readonly store: CodedCardStore,
    private readonly share: CardShare = { index: 0, count: 1 },
  ) {
    const schema = model.plan.schema;
    this.inputDim = model.scorer.inputDim;
    this.columns = new ColumnEncoders(schema);
    this.derivedIndex = schema.features.map((f) => DERIVED.indexOf(f.name));
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
    const n = chunk.records;
    if (this.cardCodes.length < n) this.cardCodes = new Int32Array(n);
    const codes = this.cardCodes;
    for (let r = 0; r < n; r++) {
      const k = r * chunk.width + this.col.card;
      codes[r] =
        this.col.card >= 0 && this.plainId(chunk, k)
          ? this.cards.code(chunk.buf, chunk.start[k], chunk.end[k])
          : NOT_PLAIN;
    }
    const shared = this.share.count > 1;
    for (let r = 0; r < n; r++) {
      if (shared && this.owner(chunk, r) !== this.share.index) continue;
      if (r + AHEAD < n && codes[r + AHEAD] >= 0 && this.store.evictions === 0)
        this.touch(this.stateOf[codes[r + AHEAD]]);
      const at = out.rows * this.inputDim;
      const cardId = this.fastRow(chunk, r, at, codes[r]) ?? this.slowRow(chunk, r, at, out);
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
    const code = this.cardCodes[r];
    if (code >= 0) return (this.partOf[code] ??= cardPart(this.cards.texts[code], count));
    if (code === NO_CODE) return cardPartOfBytes(chunk.buf, chunk.start[k], chunk.end[k], count);
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

  /** Reads a history's parts from memory ahead of its row. */
  private touch(s: CardState<number> | undefined): void {
    if (s !== undefined) this.touched += s.recent[0] + s.merchants[0] + s.regions[0];
  }

  /** Encodes row r (its card's code `code`) at `at` when it is plainly valid; undefined leaves it to the per-record path. */
  private fastRow(chunk: CsvChunk, r: number, at: number, code: number): string | undefined {
    const col = this.col;
    const base = r * chunk.width;
    if (code === NOT_PLAIN || col.merchant < 0 || col.region < 0 || col.ts < 0 || col.amount < 0) return undefined;
    const kc = base + col.card;
    const km = base + col.merchant;
    const kr = base + col.region;
    if (!this.plainId(chunk, km) || !this.plainId(chunk, kr)) return undefined;
    const ts = this.number(chunk, base + col.ts);
    const amount = this.number(chunk, base + col.amount);
    if (!(ts >= 0) || !(amount >= 0)) return undefined;
    const buf = chunk.buf;
    const cardId = code >= 0 ? this.cards.texts[code] : buf.toString('utf8', chunk.start[kc], chunk.end[kc]);
    const tx = this.tx;
    tx.cardId = cardId;
    tx.ts = ts;
    tx.amount = amount;
    tx.merchantId = this.merchants.code(buf, chunk.start[km], chunk.end[km]);
    tx.region = this.regions.code(buf, chunk.start[kr], chunk.end[kr]);
    const before = code >= 0 && this.store.evictions === 0 ? this.stateOf[code] : this.store.get(cardId);
    const values = behaviouralFeatures(tx, before, this.values);
    const x = this.x;
    const { encoders, offsets } = this.columns;
    for (let j = 0; j < encoders.length; j++) {
      const d = this.derivedIndex[j];
      const e = encoders[j];
      const to = at + offsets[j];
      if (d >= 0) {
        if ((e.value ? e.value(values[d], x, to) : e.cell(String(values[d]), x, to)) !== null) return undefined;
      } else if (!this.columns.encode(chunk, r, this.featureColumn[j], j, x, to)) return undefined;
    }
    // The store is this run's own: its states are advanced in place, with no copy per row.
    const after = advanceCardStateInPlace(before, tx);
    this.store.set(cardId, after);
    if (code >= 0) this.stateOf[code] = after;
    return cardId;
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
    const after = advanceCardStateInPlace(this.store.get(p.tx.cardId), coded(p.tx));
    this.store.set(p.tx.cardId, after);
    const code = this.cards.codeOf(p.tx.cardId);
    if (code >= 0) this.stateOf[code] = after;
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
