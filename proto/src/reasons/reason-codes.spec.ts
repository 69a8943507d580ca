import { isReasonCode, REASON, REASON_MEANINGS, reasonMeaning } from './reason-codes';

describe('reason codes', () => {
  it('REASON names each listed code as itself', () => {
    expect(Object.keys(REASON)).toEqual(Object.keys(REASON_MEANINGS));
    for (const [k, v] of Object.entries(REASON)) expect(v).toBe(k);
  });

  it('every code is upper snake case and has a meaning', () => {
    for (const [code, meaning] of Object.entries(REASON_MEANINGS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it.each([
    'DUPLICATE_UPDATE',
    'WIRE_HASH_MISMATCH',
    'UPDATE_NOT_FINITE',
    'ENVELOPE_STALE',
    'HTTP_404',
    'MASK_BOTH_SHARES_REQUESTED',
    'TOO_FEW_SURVIVORS',
  ])('knows %s', (code) => {
    expect(isReasonCode(code)).toBe(true);
    expect(reasonMeaning(code)).toEqual(expect.any(String));
  });

  it.each([
    '',
    'duplicate_update',
    'DUPLICATE',
    'WIRE_',
    'WIRE_MADE_UP',
    'ENVELOPE_HASH_MISMATCH',
    'HTTP_4040',
    'HTTP_',
  ])('refuses %j', (code) => {
    expect(isReasonCode(code)).toBe(false);
    expect(reasonMeaning(code)).toBeUndefined();
  });
});
