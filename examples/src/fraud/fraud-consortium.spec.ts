import { generateFraudConsortium, transactionsCsv } from './fraud-consortium';
import { RING_MERCHANTS } from './fraud-patterns';

describe('the fraud consortium generator', () => {
  const banks = generateFraudConsortium({ seed: 11, scale: 0.25 });

  it('is deterministic from its seed', () => {
    const again = generateFraudConsortium({ seed: 11, scale: 0.25 });
    expect(transactionsCsv('x', again[3].transactions)).toBe(transactionsCsv('x', banks[3].transactions));
    expect(transactionsCsv('x', generateFraudConsortium({ seed: 12, scale: 0.25 })[3].transactions)).not.toBe(
      transactionsCsv('x', banks[3].transactions),
    );
  });

  it('makes four banks of very different sizes with fraud rates of 0.1-0.5%, in time order', () => {
    expect(banks.map((b) => b.name)).toEqual(['atlas', 'borealis', 'cascade', 'delta']);
    const rows = banks.map((b) => b.transactions.length);
    expect(rows[0]).toBeGreaterThan(3 * rows[3]);
    for (const b of banks) {
      expect(b.fraudRate).toBeGreaterThanOrEqual(0.001);
      expect(b.fraudRate).toBeLessThanOrEqual(0.005);
      const backwards = b.transactions.filter((t, i) => i > 0 && t.ts < b.transactions[i - 1].ts).length;
      expect(backwards).toBe(0);
    }
  });

  it('runs the same ring through every bank, more at the large ones', () => {
    const ring = banks.map((b) => b.transactions.filter((t) => RING_MERCHANTS.includes(t.merchant_id)));
    for (const r of ring) expect(r.every((t) => t.is_fraud === 1)).toBe(true);
    expect(ring[0].length).toBeGreaterThan(ring[3].length);
  });
});
