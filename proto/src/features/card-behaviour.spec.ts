import fc from 'fast-check';
import { BoundedCardStore } from './bounded-card-store';
import {
  advanceCardState,
  advanceCardStateInPlace,
  DAY_SECONDS,
  MEAN_WINDOW,
  REGIONS_MAX,
  type CardState,
  BEHAVIOUR_FEATURES,
  behaviouralFeatures,
  MERCHANTS_MAX,
  observeTransaction,
  RECENT_MAX,
  type CardTransaction,
} from './card-behaviour';

const at = (name: (typeof BEHAVIOUR_FEATURES)[number], values: number[]) => values[BEHAVIOUR_FEATURES.indexOf(name)];
const T0 = 1_767_571_200; // a Monday, 00:00 UTC
const tx = (o: Partial<CardTransaction> = {}): CardTransaction => ({
  cardId: 'c1',
  ts: T0 + 10 * 3600,
  amount: 40,
  merchantId: 'm1',
  region: 'north',
  ...o,
});

describe('per-card behavioural features', () => {
  it('describes a card never seen as new everywhere, with no history', () => {
    const f = behaviouralFeatures(tx({ ts: T0 + 3 * 3600 + 5 }), undefined);
    expect(f).toHaveLength(BEHAVIOUR_FEATURES.length);
    expect(at('amount_log', f)).toBeCloseTo(Math.log1p(40), 12);
    expect(at('amount_vs_card_mean', f)).toBe(0);
    expect(at('tx_last_hour', f)).toBe(0);
    expect(at('new_merchant', f)).toBe(1);
    expect(at('new_region', f)).toBe(1);
    expect(at('hour_of_day', f)).toBe(3);
    expect(at('night', f)).toBe(1);
    expect(at('card_history', f)).toBe(0);
  });

  it('counts the last hour and day, compares the amount with the card mean, and knows merchants and regions seen', () => {
    const store = new BoundedCardStore();
    observeTransaction(store, tx({ ts: T0, amount: 20 }));
    observeTransaction(store, tx({ ts: T0 + 23 * 3600, amount: 20 }));
    observeTransaction(store, tx({ ts: T0 + 24 * 3600 + 60, amount: 20, merchantId: 'm2' }));
    const f = observeTransaction(store, tx({ ts: T0 + 24 * 3600 + 600, amount: 200, region: 'south' }));
    // T0 is more than a day before; T0+23h is within the day but not the hour; T0+24h+60s is within both.
    expect(at('tx_last_day', f)).toBe(2);
    expect(at('tx_last_hour', f)).toBe(1);
    expect(at('amount_vs_card_mean', f)).toBeCloseTo(Math.log(201 / 21), 12);
    expect(at('new_merchant', f)).toBe(0);
    expect(at('new_region', f)).toBe(1);
    expect(at('log_secs_since_last', f)).toBeCloseTo(Math.log1p(540), 12);
    expect(at('card_history', f)).toBeCloseTo(Math.log1p(3), 12);
  });

  it('keeps each card bounded however long its history, and never changes the state it is given', () => {
    let s = advanceCardState(undefined, tx());
    const first = JSON.stringify(s);
    const frozen = s;
    for (let i = 1; i < 500; i++) s = advanceCardState(s, tx({ ts: T0 + 10 * 3600 + i, merchantId: `m${i}` }));
    expect(JSON.stringify(frozen)).toBe(first);
    expect(s.recent.length).toBeLessThanOrEqual(RECENT_MAX);
    expect(s.merchants.length).toBeLessThanOrEqual(MERCHANTS_MAX);
    expect(s.merchants[s.merchants.length - 1]).toBe('m499');
  });

  it('an out-of-order transaction gets a zero gap rather than a negative one', () => {
    const s = advanceCardState(undefined, tx({ ts: T0 + 7200 }));
    expect(at('log_secs_since_last', behaviouralFeatures(tx({ ts: T0 }), s))).toBe(0);
  });
});

/** The history as first written (new arrays at every step): the in-place version must agree with it exactly. */
function reference(s: CardState | undefined, t: CardTransaction): CardState {
  const amount = Math.max(0, t.amount);
  const remember = (list: string[], v: string, keep: number) => {
    const out = list.filter((x) => x !== v);
    out.push(v);
    return out.length > keep ? out.slice(out.length - keep) : out;
  };
  if (!s)
    return {
      lastTs: t.ts,
      count: 1,
      meanAmount: amount,
      recent: [t.ts],
      merchants: [t.merchantId],
      regions: [t.region],
    };
  const count = Math.min(MEAN_WINDOW, s.count + 1);
  const recent = s.recent.filter((x) => t.ts - x < DAY_SECONDS);
  recent.push(t.ts);
  return {
    lastTs: Math.max(s.lastTs, t.ts),
    count,
    meanAmount: s.meanAmount + (amount - s.meanAmount) / count,
    recent: recent.length > RECENT_MAX ? recent.slice(recent.length - RECENT_MAX) : recent,
    merchants: remember(s.merchants, t.merchantId, MERCHANTS_MAX),
    regions: remember(s.regions, t.region, REGIONS_MAX),
  };
}

/** The features as first written: the faster version must give the same bits. */
function referenceFeatures(t: CardTransaction, s: CardState | undefined): number[] {
  const gap = s ? Math.max(0, t.ts - s.lastTs) : 30 * DAY_SECONDS;
  let lastHour = 0;
  let lastDay = 0;
  if (s)
    for (const x of s.recent) {
      const age = t.ts - x;
      if (age < 0 || age >= DAY_SECONDS) continue;
      lastDay++;
      if (age < 3600) lastHour++;
    }
  const hour = Math.floor((((t.ts % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS) / 3600);
  return [
    Math.log1p(Math.max(0, t.amount)),
    s ? Math.log((Math.max(0, t.amount) + 1) / (s.meanAmount + 1)) : 0,
    lastHour,
    lastDay,
    s && s.merchants.includes(t.merchantId) ? 0 : 1,
    s && s.regions.includes(t.region) ? 0 : 1,
    hour,
    hour < 6 ? 1 : 0,
    Math.log1p(gap),
    Math.log1p(s ? s.count : 0),
  ];
}

describe("advanceCardStateInPlace (the batch scorer's copy-free step)", () => {
  it('gives exactly the history of the step that copies, on any stream (out-of-order times included)', () => {
    const step = fc.record({
      gap: fc.integer({ min: -3600, max: 2 * DAY_SECONDS }),
      amount: fc.double({ min: -10, max: 5000, noNaN: true }),
      merchant: fc.integer({ min: 0, max: 45 }),
      region: fc.integer({ min: 0, max: 11 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        let ts = T0;
        let inPlace: CardState | undefined;
        let expected: CardState | undefined;
        for (const s of steps) {
          ts += s.gap;
          const t = tx({ ts, amount: s.amount, merchantId: `m${s.merchant}`, region: `r${s.region}` });
          expect(behaviouralFeatures(t, inPlace)).toEqual(behaviouralFeatures(t, expected));
          inPlace = advanceCardStateInPlace(inPlace, t);
          expected = reference(expected, t);
        }
        expect(inPlace).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the features as first written, bit for bit, with places named by text or by code', () => {
    const step = fc.record({
      gap: fc.oneof(
        fc.integer({ min: -3600, max: 2 * DAY_SECONDS }),
        fc.double({ min: -3600, max: 90_000, noNaN: true }),
      ),
      amount: fc.double({ min: -10, max: 5000, noNaN: true }),
      merchant: fc.integer({ min: 0, max: 45 }),
      region: fc.integer({ min: 0, max: 11 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * DAY_SECONDS }), fc.array(step, { maxLength: 200 }), (start, steps) => {
        let ts = T0 + start;
        let named: CardState | undefined;
        let coded: CardState<number> | undefined;
        for (const s of steps) {
          ts += s.gap;
          const t = tx({ ts, amount: s.amount, merchantId: `m${s.merchant}`, region: `r${s.region}` });
          const c: CardTransaction<number> = { ...t, merchantId: s.merchant, region: 100 + s.region };
          const expected = referenceFeatures(t, named);
          const got = behaviouralFeatures(t, named);
          expect(got.every((v, i) => Object.is(v, expected[i]))).toBe(true);
          const fromCodes = behaviouralFeatures(c, coded);
          expect(fromCodes.every((v, i) => Object.is(v, expected[i]))).toBe(true);
          named = advanceCardStateInPlace(named, t);
          coded = advanceCardStateInPlace(coded, c);
        }
      }),
      { numRuns: 300 },
    );
    // A time before 1970, with a fraction or -0 (a JSON request may send it) takes the general path for the hour.
    for (const ts of [-1, -86_401.5, 12.75, T0 + 0.5, 0, -0])
      expect(behaviouralFeatures(tx({ ts }), undefined)[6]).toBe(referenceFeatures(tx({ ts }), undefined)[6]);
  });
});

describe('BoundedCardStore', () => {
  it('evicts the least recently used card past its bound', () => {
    const store = new BoundedCardStore(2);
    observeTransaction(store, tx({ cardId: 'a' }));
    observeTransaction(store, tx({ cardId: 'b' }));
    observeTransaction(store, tx({ cardId: 'a', ts: T0 + 11 * 3600 }));
    observeTransaction(store, tx({ cardId: 'c' }));
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.count).toBe(2);
    expect(store.evictions).toBe(1);
  });

  it('keeps and evicts exactly the cards a map in recency order would', () => {
    const op = fc.record({ card: fc.integer({ min: 0, max: 12 }), set: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        const store = new BoundedCardStore(max);
        const reference = new Map<string, CardState>();
        let evictions = 0;
        for (const [i, o] of ops.entries()) {
          const id = `c${o.card}`;
          expect(store.get(id)).toBe(reference.get(id));
          if (!o.set) continue;
          const state = advanceCardState(undefined, tx({ cardId: id, ts: T0 + i }));
          store.set(id, state);
          reference.delete(id);
          reference.set(id, state);
          if (reference.size > max) {
            reference.delete(reference.keys().next().value as string);
            evictions++;
          }
          expect(store.size).toBe(reference.size);
        }
        for (let c = 0; c <= 12; c++) expect(store.get(`c${c}`)).toBe(reference.get(`c${c}`));
        expect(store.evictions).toBe(evictions);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedCardStore(0)).toThrow('maxCards must be a positive integer, got 0');
  });
});
