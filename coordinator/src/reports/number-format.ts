/** Missing or undefined figures (a one-class holdout, a first round's PSI) print as a dash, never "NaN". */
export const MISSING = '—';

export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING : value.toFixed(digits);
}

export function signed(value: number | null | undefined, digits = 3): string {
  const text = fixed(value, digits);
  return text !== MISSING && (value as number) > 0 ? `+${text}` : text;
}

/** A gap with its direction in words ("0.007 below"), not a signed number whose sign the reader must guess. */
export function gapWords(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const text = Math.abs(value).toFixed(digits);
  return Number(text) === 0 ? 'level' : `${text} ${value < 0 ? 'below' : 'above'}`;
}

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? MISSING
    : `${(value * 100).toFixed(digits)}%`;
}

export function integer(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? MISSING
    : Math.round(value).toLocaleString('en-US');
}
