import fc from 'fast-check';
import { parseNumericCell } from '../data/cell-values';
import { parseDecimalBytes } from './byte-fields';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('parseDecimalBytes', () => {
  it('gives exactly what the per-record parser gives, or NaN to send the cell there', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '+', '-'),
        fc.stringMatching(/^[0-9]{0,18}$/),
        fc.constantFrom('', '.'),
        fc.stringMatching(/^[0-9]{0,24}$/),
        fc.constantFrom('', 'e3', 'x'),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(decimal, fc.double().map(String), fc.string()), (text) => {
        const fast = parseDecimalBytes(bytes(text), 0, text.length);
        if (Number.isNaN(fast)) return;
        expect(Object.is(fast, parseNumericCell(text))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(parseDecimalBytes(bytes('12.97'), 0, 5)).toBe(12.97);
    expect(Object.is(parseDecimalBytes(bytes('-0'), 0, 2), -0)).toBe(true);
    for (const t of ['', '.', '+', '1e3', '0x10', '1.2.3', '12345678901234567']) {
      expect(parseDecimalBytes(bytes(t), 0, t.length)).toBeNaN();
    }
  });
});
