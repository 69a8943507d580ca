const COMMA = 44;
const NEWLINE = 10;
const ALERT = Buffer.from('alert');
const APPROVE = Buffer.from('approve');

/**
 * Output lines built as bytes, end to end, with where each ends: the batch
 * scorer writes a row's ids here as it reads them and the score after the
 * chunk is scored, with no string per row.
 */
export class LineBytes {
  buf = new Uint8Array(1 << 16);
  used = 0;
  ends = new Int32Array(1 << 10);
  lines = 0;

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.used + n));
    bigger.set(this.buf.subarray(0, this.used));
    this.buf = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.used++] = b;
  }

  /** UTF-8 bytes copied as they are; bytes outside ASCII go through their text, as a string would be written. */
  bytes(src: Buffer, s: number, e: number): void {
    this.room(e - s);
    const buf = this.buf;
    let at = this.used;
    for (let i = s; i < e; i++) {
      const b = src[i];
      if (b >= 0x80) return this.text(src.toString('utf8', s, e));
      buf[at++] = b;
    }
    this.used = at;
  }

  text(t: string): void {
    this.room(t.length);
    const buf = this.buf;
    let at = this.used;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c >= 0x80) {
        const bytes = Buffer.from(t, 'utf8');
        this.room(bytes.length);
        this.buf.set(bytes, this.used);
        this.used += bytes.length;
        return;
      }
      buf[at++] = c;
    }
    this.used = at;
  }

  endLine(): void {
    if (this.lines === this.ends.length) {
      const bigger = new Int32Array(this.ends.length * 2);
      bigger.set(this.ends);
      this.ends = bigger;
    }
    this.ends[this.lines++] = this.used;
  }

  start(line: number): number {
    return line === 0 ? 0 : this.ends[line - 1];
  }
}

const DIGIT0 = 48;

/**
 * Writes `score.toFixed(6)` as bytes at `at` of `out` and returns the next
 * offset. For a score in [0, 1] the digits are those of n = score * 10^6
 * rounded: the product is within 2^-33 of the exact one, so unless it lies
 * within 1e-7 of a tie (x.5) rounding it gives the n toFixed picks (the
 * nearest); near a tie, and for anything else, toFixed itself is asked.
 */
export function writeFixed6(score: number, out: Uint8Array, at: number): number {
  if (score >= 0 && score <= 1) {
    const p = score * 1e6;
    const f = Math.floor(p);
    const frac = p - f;
    if (Math.abs(frac - 0.5) > 1e-7) {
      let n = frac > 0.5 ? f + 1 : f;
      out[at] = n >= 1e6 ? DIGIT0 + 1 : DIGIT0;
      if (n >= 1e6) n -= 1e6;
      out[at + 1] = 46;
      for (let d = 6; d >= 1; d--) {
        out[at + 1 + d] = DIGIT0 + (n % 10);
        n = Math.floor(n / 10);
      }
      return at + 8;
    }
  }
  const t = score.toFixed(6);
  for (let i = 0; i < t.length; i++) out[at + i] = t.charCodeAt(i);
  return at + t.length;
}

/** A chunk's output lines, end to end, and where each ends. */
export interface ScoredLines {
  bytes: Uint8Array;
  ends: Int32Array;
}

/**
 * The output lines of a scored chunk: each row's prefix (its ids), its score
 * as toFixed(6) writes it, and `alert` when the score reaches the threshold.
 * The bytes have an ArrayBuffer of their own (never Node's shared pool), so
 * a scoring thread can hand them over without a copy.
 */
export function scoreLines(prefixes: LineBytes, scores: Float64Array, rows: number, threshold: number): ScoredLines {
  // A score takes at most 8 bytes here, toFixed(6) of a score outside [0, 1] (NaN) a few more.
  const out = Buffer.allocUnsafeSlow(prefixes.used + rows * 32);
  const ends = new Int32Array(rows);
  const src = prefixes.buf;
  let at = 0;
  for (let i = 0; i < rows; i++) {
    for (let k = prefixes.start(i), end = prefixes.ends[i]; k < end; k++) out[at++] = src[k];
    const score = scores[i];
    at = writeFixed6(score, out, at);
    out[at++] = COMMA;
    const word = score >= threshold ? ALERT : APPROVE;
    for (let k = 0; k < word.length; k++) out[at++] = word[k];
    out[at++] = NEWLINE;
    ends[i] = at;
  }
  return { bytes: out.subarray(0, at), ends };
}
