/**
 * What a CSV cell means before the schema is applied. A cell is missing when it
 * is empty or one of NA, NaN, null (any case, surrounding spaces ignored): what
 * R, pandas and database exports write for "no value". A categorical vocabulary
 * that lists such a token keeps it as a value.
 */
const MISSING_TOKENS = new Set(['', 'na', 'nan', 'null']);

export function isMissingCell(text: string | undefined): boolean {
  return text === undefined || MISSING_TOKENS.has(text.trim().toLowerCase());
}

/** Plain decimal or scientific notation only: no hex, no Infinity, no thousands separators. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The cell as a finite number, or undefined when it is not one. */
export function parseNumericCell(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}
