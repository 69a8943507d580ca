import { CSV_COLUMNS, DEMO_BANKS, generateConsortium, toCsv } from './synthetic-consortium';

describe('synthetic consortium', () => {
  const { banks } = generateConsortium({ seed: 5, scale: 0.5 });

  it('is deterministic for a seed', () => {
    expect(generateConsortium({ seed: 5, scale: 0.05 })).toEqual(generateConsortium({ seed: 5, scale: 0.05 }));
    expect(generateConsortium({ seed: 6, scale: 0.05 })).not.toEqual(generateConsortium({ seed: 5, scale: 0.05 }));
  });

  it('has at least 4 banks of different sizes and default rates near their targets', () => {
    expect(banks.length).toBeGreaterThanOrEqual(4);
    expect(new Set(banks.map((b) => b.rows.length)).size).toBe(banks.length);
    banks.forEach((b, i) => expect(Math.abs(b.defaultRate - DEMO_BANKS[i].targetDefaultRate)).toBeLessThan(0.03));
    const rates = banks.map((b) => b.defaultRate);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.05);
  });

  it('is non-IID: banks differ in region mix', () => {
    const share = (b: (typeof banks)[number], region: string) =>
      b.rows.filter((r) => r.region === region).length / b.rows.length;
    expect(share(banks[0], 'north')).toBeGreaterThan(share(banks[3], 'north') + 0.2);
  });

  it('writes CSV with the declared header', () => {
    const csv = toCsv(banks[3].rows.slice(0, 2)).trim().split('\n');
    expect(csv[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv[1].split(',')).toHaveLength(CSV_COLUMNS.length);
  });
});
