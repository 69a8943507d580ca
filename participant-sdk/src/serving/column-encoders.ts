import { featureWidth, type DataSchema } from '@syndicate/protocol';
import { cellEncoders } from '../data/encode-row';
import { parseDecimalBytes } from './byte-fields';
import { fieldText, type CsvChunk } from './csv-chunks';
import { TextCodes } from './text-codes';

/** Distinct texts of a column whose encoding is kept. */
const CELL_CODES = 1 << 16;

/**
 * The schema's features read from a CSV chunk by the training row encoder's
 * own per-feature encoders: a number straight from its bytes, a text (a
 * category) encoded once per distinct text and the result copied after, since
 * a cell's encoding depends on nothing but its text.
 */
export class ColumnEncoders {
  readonly encoders;
  /** Each feature's first column in an encoded row, and its width. */
  readonly offsets: number[] = [];
  readonly widths: number[];
  private readonly codes: TextCodes[];
  /** Per feature and text code: its encoded columns, or null when the encoder refuses the text. */
  private readonly kept: (Float32Array | null | undefined)[][];
  private readonly scratch: Float32Array;

  constructor(schema: DataSchema) {
    this.encoders = cellEncoders(schema);
    this.widths = schema.features.map(featureWidth);
    this.widths.reduce((at, w) => (this.offsets.push(at), at + w), 0);
    this.codes = schema.features.map(() => new TextCodes(CELL_CODES));
    this.kept = schema.features.map(() => []);
    this.scratch = new Float32Array(Math.max(1, ...this.widths));
  }

  /**
   * Encodes feature j from field i of record r (i < 0: the file has no such
   * column) into x at `to`; false when the encoder has a problem with it.
   */
  encode(chunk: CsvChunk, r: number, i: number, j: number, x: Float32Array, to: number): boolean {
    const e = this.encoders[j];
    const k = r * chunk.width + i;
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
    const code = this.codes[j].code(chunk.buf, s, end);
    if (code < 0) return e.cell(chunk.buf.toString('utf8', s, end), x, to) === null;
    let encoded = this.kept[j][code];
    if (encoded === undefined) {
      const ok = e.cell(this.codes[j].texts[code], this.scratch, 0) === null;
      encoded = ok ? this.scratch.slice(0, this.widths[j]) : null;
      this.kept[j][code] = encoded;
    }
    if (encoded === null) return false;
    for (let c = 0; c < encoded.length; c++) x[to + c] = encoded[c];
    return true;
  }
}
