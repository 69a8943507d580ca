import { MAX_PAGE_LIMIT, parsePaging } from './paging';
import { SyndicateError } from './syndicate-error';

function refusal(q: { after?: string; limit?: string }): SyndicateError {
  try {
    parsePaging(q);
  } catch (err) {
    return err as SyndicateError;
  }
  throw new Error(`accepted ${JSON.stringify(q)}`);
}

describe('parsePaging', () => {
  it('accepts whole numbers within bounds, and defaults', () => {
    expect(parsePaging({})).toEqual({ after: undefined, limit: 1000 });
    expect(parsePaging({ after: '7', limit: '25' })).toEqual({ after: 7, limit: 25 });
    expect(parsePaging({ limit: String(MAX_PAGE_LIMIT) }).limit).toBe(MAX_PAGE_LIMIT);
  });
  it.each([['-1'], ['abc'], ['0'], ['1.5'], ['1e3'], [''], [String(MAX_PAGE_LIMIT + 1)], ['99999999999999999999']])(
    'refuses limit=%s with a 400 naming the parameter and the range',
    (limit) => {
      const err = refusal({ limit });
      expect(err.kind).toBe('INVALID_ARGUMENT');
      expect(err.reason).toBe('BAD_PAGING');
      expect(err.message).toMatch(new RegExp(`limit=.*must be a whole number from 1 to ${MAX_PAGE_LIMIT}`));
    },
  );
  it.each([['-5'], ['x']])('refuses after=%s', (after) => {
    expect(refusal({ after }).message).toMatch(/after=.*whole number from 0/);
  });
});
