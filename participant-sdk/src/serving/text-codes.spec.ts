import fc from 'fast-check';
import { TextCodes } from './text-codes';

describe('TextCodes', () => {
  it('gives one code per distinct text, the same from bytes and from the string, and the text back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.fullUnicodeString({ maxLength: 4 })), { maxLength: 60 }),
        (texts) => {
          const codes = new TextCodes();
          const byText = new Map<string, number>();
          texts.forEach((t, i) => {
            const b = Buffer.from(`,${t},`);
            // Alternate the two ways in, so each meets texts the other made.
            const c = i % 2 ? codes.code(b, 1, b.length - 1) : codes.codeOf(t);
            const text = b.toString('utf8', 1, b.length - 1);
            expect(text).toBe(t);
            expect(codes.texts[c]).toBe(text);
            if (byText.has(text)) expect(c).toBe(byText.get(text));
            byText.set(text, c);
          });
          expect(new Set(byText.values()).size).toBe(byText.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps its codes through table growth, and makes none past its limit', () => {
    const codes = new TextCodes();
    const n = 20_000;
    const first = Array.from({ length: n }, (_, i) => codes.codeOf(`merchant-${i}`));
    expect(first).toEqual(Array.from({ length: n }, (_, i) => i));
    const again = Buffer.from('merchant-12345');
    expect(codes.code(again, 0, again.length)).toBe(12345);
    expect(codes.codeOf('x'.repeat(300))).toBe(n);
    expect(codes.codeOf('x'.repeat(300))).toBe(n);

    const bounded = new TextCodes(2);
    expect([
      bounded.codeOf('a'),
      bounded.codeOf('b'),
      bounded.codeOf('c'),
      bounded.codeOf('é'),
      bounded.codeOf('a'),
    ]).toEqual([0, 1, -1, -1, 0]);
  });
});
