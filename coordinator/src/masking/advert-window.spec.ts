import { advertDeadline } from './advert-window';

describe('advertDeadline', () => {
  it('is a quarter of the way to the phase deadline, in whole milliseconds (a bigint column on PostgreSQL)', () => {
    // 21 001 ms to go: a quarter is 5 250.25 ms, which PostgreSQL refused as "invalid input syntax for type bigint".
    expect(advertDeadline(1_000, 22_001)).toBe(6_250);
    expect(advertDeadline(1_000.5, 41_003)).toBe(11_001);
    for (let d = 20_000; d < 20_010; d++) expect(Number.isInteger(advertDeadline(7, 7 + d))).toBe(true);
  });

  it('never closes sooner than 5 s or later than 30 s after the phase opens', () => {
    expect(advertDeadline(0, 8_000)).toBe(5_000);
    expect(advertDeadline(0, 900_000)).toBe(30_000);
  });
});
