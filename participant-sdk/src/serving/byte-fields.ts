/**
 * Fields of a CSV chunk as values, without a string per cell: numbers parsed
 * from the bytes, repeated texts (card, merchant, region, categories) shared.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A plain decimal ("12.97", "-3", "1767571887") from bytes, or NaN when it is
 * anything else (the caller then parses the text the slow way). Exactly
 * `Number(text)`: with at most 15 significant digits the digits form an exact
 * integer m < 2^53 and 10^k (k <= 22) is exact, so m / 10^k is one correctly
 * rounded IEEE division, as is Number's own conversion (Clinger's fast path).
 */
export function parseDecimalBytes(buf: Uint8Array, s: number, e: number): number {
  let p = s;
  let negative = false;
  if (p < e && (buf[p] === 43 || buf[p] === 45)) negative = buf[p++] === 45;
  let m = 0;
  let significant = 0;
  let intDigits = 0;
  let fracDigits = 0;
  let dot = false;
  for (; p < e; p++) {
    const b = buf[p];
    if (b >= 48 && b <= 57) {
      m = m * 10 + (b - 48);
      if (m !== 0) significant++;
      if (dot) fracDigits++;
      else intDigits++;
    } else if (b === 46 && !dot) dot = true;
    else return NaN;
  }
  if (intDigits + fracDigits === 0 || significant > 15 || fracDigits > 22) return NaN;
  const x = fracDigits > 0 ? m / POW10[fracDigits] : m;
  return negative ? -x : x;
}

const INTERNED_MAX = 1 << 20;

/**
 * Strings for byte ranges, one shared string per distinct ASCII text (a card's
 * id, a merchant, a region): looked up by hash and checked byte for byte, so a
 * file of repeated values makes few strings and little garbage. Bounded: past
 * INTERNED_MAX texts new ones are made each time.
 */
export class Interner {
  private readonly table = new Map<number, string>();

  get(buf: Buffer, s: number, e: number): string {
    let h = 0x811c9dc5 ^ (e - s);
    for (let i = s; i < e; i++) {
      const b = buf[i];
      if (b >= 0x80) return buf.toString('utf8', s, e);
      h = Math.imul(h ^ b, 16777619);
    }
    const hit = this.table.get(h);
    if (hit !== undefined && hit.length === e - s) {
      let same = true;
      for (let i = 0; i < hit.length; i++)
        if (hit.charCodeAt(i) !== buf[s + i]) {
          same = false;
          break;
        }
      if (same) return hit;
    }
    const text = buf.toString('latin1', s, e);
    if (hit === undefined && this.table.size < INTERNED_MAX) this.table.set(h, text);
    return text;
  }
}
