import { SyndicateError } from './syndicate-error';

/** Hard ceiling of one page: a listing never reads a whole table into memory. */
export const MAX_PAGE_LIMIT = 10_000;
export const DEFAULT_PAGE_LIMIT = 1000;

export interface Paging {
  after?: number;
  limit: number;
}

function nonNegativeInteger(name: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new SyndicateError(
      'INVALID_ARGUMENT',
      'BAD_PAGING',
      `query parameter ${name}=${JSON.stringify(raw.slice(0, 40))} must be a whole number from ${min} to ${max}`,
    );
  return n;
}

/** Validates `after` and `limit` query parameters: 400 with what is wrong, never a silent default. */
export function parsePaging(
  q: { after?: string; limit?: string },
  defaults: { limit: number; max: number } = { limit: DEFAULT_PAGE_LIMIT, max: MAX_PAGE_LIMIT },
): Paging {
  const limit = q.limit === undefined ? defaults.limit : nonNegativeInteger('limit', q.limit, 1, defaults.max);
  const after = q.after === undefined ? undefined : nonNegativeInteger('after', q.after, 0, Number.MAX_SAFE_INTEGER);
  return { after, limit };
}
