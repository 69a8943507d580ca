import fc from 'fast-check';
import { LineBytes, scoreLines, writeFixed6 } from './score-lines';

const fixed6 = (x: number) => {
  const out = new Uint8Array(64);
  return Buffer.from(out.subarray(0, writeFixed6(x, out, 0))).toString('latin1');
};

const bits = new Float64Array(1);
const asInt = new BigInt64Array(bits.buffer);
/** The neighbouring doubles of a positive x. */
const nextUp = (x: number) => ((bits[0] = x), (asInt[0] += 1n), bits[0]);
const nextDown = (x: number) => ((bits[0] = x), (asInt[0] -= 1n), bits[0]);

describe('writeFixed6', () => {
  it('writes exactly what toFixed(6) writes', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        expect(fixed6(x)).toBe(x.toFixed(6));
      }),
      { numRuns: 20_000 },
    );
    // Ties in decimal that are exact in binary (k / 2^7 at the seventh decimal), the neighbours of ties,
    // both ends, tiny and odd values: where rounding the scaled product could go the wrong way.
    const edges = [0, -0, 1, 0.0078125, 0.5, 0.9921875, 1e-7, 5e-7, 4.999999e-7, 0.0000015, 0.9999995, 0.99999949999];
    for (let k = 1; k < 128; k += 2) {
      const tie = k / 128;
      edges.push(tie, tie - Number.EPSILON / 4, tie + Number.EPSILON / 4);
    }
    for (let i = 0; i < 100_000; i++) edges.push((i + 0.5) / 1e6, nextUp((i + 0.5) / 1e6), nextDown((i + 0.5) / 1e6));
    const wrong = [...edges, NaN, 2, -0.25, 1e22].filter((x) => fixed6(x) !== x.toFixed(6));
    expect(wrong).toEqual([]);
  });
});

describe('scoreLines', () => {
  it('writes each row as its ids, its score and the decision, non-ASCII ids included', () => {
    const p = new LineBytes();
    p.text('t1,card-ü,');
    p.endLine();
    const raw = Buffer.from('x,t2,c-2,y');
    p.bytes(raw, 2, 8);
    p.byte(44);
    p.endLine();
    p.bytes(Buffer.from('ñ'), 0, 2);
    p.byte(44);
    p.endLine();
    const lines = scoreLines(p, Float64Array.from([0.5, 0.0000004, 0.25]), 3, 0.5);
    expect(Buffer.from(lines.bytes).toString('utf8')).toBe(
      't1,card-ü,0.500000,alert\nt2,c-2,0.000000,approve\nñ,0.250000,approve\n',
    );
    expect(Array.from(lines.ends)).toEqual([26, 50, 70]);
  });
});
