/** Numbers of a CSV chunk read from the bytes, without a string per cell (texts: `TextCodes`). */

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
