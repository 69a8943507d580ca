const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/**
 * One integer code per distinct text of a CSV column, looked up from the
 * bytes: no string per cell, and a repeated value (a card, a merchant, a
 * category) costs a hash over its bytes and one probe of a typed table. The
 * same text always gets the same code, whether it comes as bytes or (from the
 * per-record path) as a string; `texts[code]` is its one shared string.
 * Past `limit` texts no new code is made (-1: the caller uses the text).
 */
export class TextCodes {
  readonly texts: string[] = [];
  /** Open addressing: code + 1 per slot, 0 when empty. */
  private slots = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 9);
  /** Each ASCII text's bytes, end to end, to check a probe byte for byte. */
  private bytes = new Uint8Array(1 << 14);
  private from = new Int32Array(1 << 9);
  private used = 0;
  /** Texts with bytes outside ASCII, by their decoded string. */
  private readonly wide = new Map<string, number>();
  private readonly scratch = Buffer.alloc(256);

  constructor(private readonly limit = Infinity) {}

  get size(): number {
    return this.texts.length;
  }

  /** The code of the text of buf[s, e) (UTF-8), or -1 past the limit. */
  code(buf: Buffer, s: number, e: number): number {
    let h = FNV_OFFSET ^ (e - s);
    for (let i = s; i < e; i++) {
      const b = buf[i];
      if (b >= 0x80) return this.wideCode(buf.toString('utf8', s, e));
      h = Math.imul(h ^ b, FNV_PRIME);
    }
    const mask = this.slots.length - 1;
    let at = h & mask;
    for (;;) {
      const c = this.slots[at] - 1;
      if (c < 0) break;
      if (this.hashes[c] === h && this.same(c, buf, s, e)) return c;
      at = (at + 1) & mask;
    }
    if (this.texts.length >= this.limit) return -1;
    return this.add(buf, s, e, h, at);
  }

  /** The code of `text` (a string the per-record path made), the same as for its bytes. */
  codeOf(text: string): number {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return this.wideCode(text);
    if (text.length > this.scratch.length) return this.code(Buffer.from(text, 'latin1'), 0, text.length);
    this.scratch.write(text, 0, 'latin1');
    return this.code(this.scratch, 0, text.length);
  }

  private wideCode(text: string): number {
    let c = this.wide.get(text);
    if (c !== undefined) return c;
    if (this.texts.length >= this.limit) return -1;
    c = this.texts.length;
    this.texts.push(text);
    this.wide.set(text, c);
    this.grow(c + 1, 0);
    this.from[c + 1] = this.used;
    return c;
  }

  private same(c: number, buf: Buffer, s: number, e: number): boolean {
    const f = this.from[c];
    if (this.from[c + 1] - f !== e - s) return false;
    const b = this.bytes;
    for (let i = 0; i < e - s; i++) if (b[f + i] !== buf[s + i]) return false;
    return true;
  }

  private add(buf: Buffer, s: number, e: number, h: number, at: number): number {
    const c = this.texts.length;
    this.texts.push(buf.toString('latin1', s, e));
    this.grow(c + 1, e - s);
    this.bytes.set(buf.subarray(s, e), this.used);
    this.used += e - s;
    this.from[c + 1] = this.used;
    this.hashes[c] = h;
    this.slots[at] = c + 1;
    if (this.texts.length * 2 > this.slots.length) this.rehash();
    return c;
  }

  /** Room for `codes` codes and `more` bytes. */
  private grow(codes: number, more: number): void {
    if (codes + 1 > this.from.length) {
      const n = this.from.length * 2;
      this.from = copyInto(new Int32Array(n), this.from);
      this.hashes = copyInto(new Int32Array(n), this.hashes);
    }
    if (this.used + more > this.bytes.length)
      this.bytes = copyInto(new Uint8Array(Math.max(this.bytes.length * 2, this.used + more)), this.bytes);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let c = 0; c < this.texts.length; c++) {
      if (this.wide.get(this.texts[c]) === c) continue;
      let at = this.hashes[c] & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = c + 1;
    }
    this.slots = slots;
  }
}

function copyInto<T extends Int32Array | Uint8Array>(to: T, from: T): T {
  to.set(from);
  return to;
}
