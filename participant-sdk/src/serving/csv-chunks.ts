import * as fs from 'fs';
import { DataValidationError } from '../data/data-errors';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const CHUNK_BYTES = 4 << 20;
/** Bytes that end or break an unquoted field: one table lookup per byte in the scan. */
const SPECIAL = new Uint8Array(256);
for (const b of [COMMA, QUOTE, LF, CR]) SPECIAL[b] = 1;

/**
 * A run of complete CSV records as byte offsets into one buffer: field `c` of
 * record `r` is `buf[start[r * width + c], end[...])`, trimmed, inside its
 * quotes when quoted; -1 when the record has fewer fields. Nothing is decoded:
 * the batch scorer reads numbers straight from the bytes and turns into strings
 * only what it needs (through an interner), which is where the record-at-a-time
 * reader spent its time and garbage.
 */
export interface CsvChunk {
  buf: Buffer;
  records: number;
  width: number;
  start: Int32Array;
  end: Int32Array;
  /** Per field: 1 when quoted with doubled quotes inside (its text needs `""` -> `"`). */
  escaped: Uint8Array;
  /** The row a spreadsheet shows each record on (header = 1; blank lines count). */
  row: Int32Array;
}

/** The text of a field (undefined when the record is short), quotes unescaped. */
export function fieldText(c: CsvChunk, r: number, f: number): string | undefined {
  const i = r * c.width + f;
  if (c.start[i] < 0) return undefined;
  const t = c.buf.toString('utf8', c.start[i], c.end[i]);
  return c.escaped[i] ? t.replace(/""/g, '"') : t;
}

/**
 * Streams a CSV file as chunks of up to `maxRecords` records, the header
 * (record 1) first as its own chunk. Same dialect as the training reader
 * (`csv-records.ts`): RFC 4180 quoting (commas, quotes and newlines inside
 * quotes), CRLF, a UTF-8 BOM, fields trimmed, blank lines skipped but counted,
 * short records allowed; a syntax error names its row. Only the first `width`
 * fields of each record are kept (set after the header with `setWidth`).
 */
export class CsvChunkReader {
  private width = 1 << 10;
  constructor(
    private readonly file: string,
    private readonly maxRecords = 8192,
    /** Bytes read at a time (grown for a longer record); small in tests to cross chunk edges. */
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  setWidth(width: number): void {
    this.width = width;
  }

  async *chunks(): AsyncGenerator<CsvChunk> {
    let fd: fs.promises.FileHandle;
    try {
      fd = await fs.promises.open(this.file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(`data file ${this.file} cannot be read (${code})`);
    }
    try {
      let buf = Buffer.allocUnsafe(this.chunkBytes);
      let filled = 0;
      let eof = false;
      let row = 0;
      let pos = 0;
      for (;;) {
        while (!eof && filled < buf.length) {
          const { bytesRead } = await fd.read(buf, filled, buf.length - filled, null);
          filled += bytesRead;
          eof = bytesRead === 0;
        }
        if (row === 0 && filled >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
        for (;;) {
          const chunk = this.parse(buf, pos, filled, eof, row, row === 0 ? 1 : this.maxRecords);
          if (chunk.consumed === pos) break;
          row = chunk.lastRow;
          pos = chunk.consumed;
          // The consumer reads the chunk before asking for the next one, so the buffer is reused in place.
          if (chunk.records > 0) yield chunk;
        }
        if (eof) return;
        if (pos === 0) {
          // One record longer than the buffer: make room for it.
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        } else {
          buf.copy(buf, 0, pos, filled);
          filled -= pos;
          pos = 0;
        }
      }
    } finally {
      await fd.close();
    }
  }

  private syntax(row: number, message: string): never {
    throw new DataValidationError(this.file, [`row ${row}: not valid CSV: ${message}`]);
  }

  private arrays?: { start: Int32Array; end: Int32Array; escaped: Uint8Array; row: Int32Array };

  /** Complete records of buf[from, to) (the last one without a newline only at end of file), up to `max`. */
  private parse(buf: Buffer, from: number, to: number, eof: boolean, row: number, max: number) {
    const width = this.width;
    if (!this.arrays || this.arrays.start.length !== this.maxRecords * width) {
      const cap = this.maxRecords * width;
      this.arrays = {
        start: new Int32Array(cap),
        end: new Int32Array(cap),
        escaped: new Uint8Array(cap),
        row: new Int32Array(this.maxRecords),
      };
    }
    const { start, end, escaped } = this.arrays;
    const rows = this.arrays.row;
    let records = 0;
    let p = from;
    let consumed = from;
    let lastRow = row;
    records: while (records < max && p < to) {
      // A blank line: counted, not a record.
      if (buf[p] === LF || (buf[p] === CR && p + 1 < to && buf[p + 1] === LF)) {
        p += buf[p] === CR ? 2 : 1;
        row++;
        consumed = p;
        lastRow = row;
        continue;
      }
      const base = records * width;
      start.fill(-1, base, base + width);
      let field = 0;
      for (;;) {
        while (p < to && (buf[p] === SPACE || buf[p] === TAB)) p++;
        let s = p;
        let e: number;
        let esc = 0;
        if (p < to && buf[p] === QUOTE) {
          s = ++p;
          for (;;) {
            while (p < to && buf[p] !== QUOTE) p++;
            if (p + 1 < to && buf[p + 1] === QUOTE) {
              esc = 1;
              p += 2;
              continue;
            }
            break;
          }
          if (p + 1 >= to && !eof) break records;
          if (p >= to) this.syntax(row + 1, 'a quoted field is not closed');
          e = p++;
          while (p < to && (buf[p] === SPACE || buf[p] === TAB)) p++;
          if (p < to && buf[p] !== COMMA && buf[p] !== LF && buf[p] !== CR)
            this.syntax(row + 1, `characters after the closing quote of field ${field + 1}`);
        } else {
          while (p < to && SPECIAL[buf[p]] === 0) p++;
          if (p < to && buf[p] === QUOTE) this.syntax(row + 1, `a quote inside the unquoted field ${field + 1}`);
          e = p;
          while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
        }
        if (field < width) {
          start[base + field] = s;
          end[base + field] = e;
          escaped[base + field] = esc;
        }
        field++;
        if (p >= to) {
          if (!eof) break records;
          break;
        }
        if (buf[p] === COMMA) {
          p++;
          continue;
        }
        if (buf[p] === CR) p++;
        if (p < to && buf[p] === LF) p++;
        else if (p >= to && !eof) break records;
        break;
      }
      rows[records++] = ++row;
      consumed = p;
      lastRow = row;
    }
    return { buf, records, width, start, end, escaped, row: rows, consumed, lastRow };
  }
}
