import type { Cardholder, RawTx, Region } from './card-behaviour-profile';
import { REGIONS } from './card-behaviour-profile';
import type { Rand } from './random';
import { logNormal } from './random';

/** Fraud patterns every bank of the consortium meets, at different rates. */
export const FRAUD_PATTERNS = ['card_testing', 'account_takeover', 'fraud_ring'] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

/** Merchants a ring launders through; the same ones at every bank (the ring moves between them). */
export const RING_MERCHANTS = Array.from({ length: 12 }, (_, k) => `ring-gift_cards-${k}`);

const fraud = (
  c: Cardholder,
  ts: number,
  amount: number,
  rest: Omit<RawTx, 'card_id' | 'ts' | 'amount' | 'is_fraud'>,
): RawTx => ({
  card_id: c.id,
  ts,
  amount: Math.round(amount * 100) / 100,
  ...rest,
  is_fraud: 1,
});

/**
 * The transactions of one fraud event on card `c` starting at `t0`:
 * - card testing: a burst of tiny online charges at unknown merchants, often at night;
 * - account takeover: a few large purchases of resaleable goods far from home;
 * - a fraud ring: mid-size gift-card purchases at the ring's merchants, in business hours.
 */
export function fraudEvent(r: Rand, pattern: FraudPattern, c: Cardholder, t0: number): RawTx[] {
  if (pattern === 'card_testing') {
    const n = 3 + Math.floor(r() * 4);
    let ts = t0;
    return Array.from({ length: n }, () => {
      ts += 20 + Math.floor(r() * 240);
      return fraud(c, ts, 0.5 + r() * 9.5, {
        merchant_id: `${c.home}-digital-${Math.floor(r() * 40)}`,
        mcc: r() < 0.7 ? 'digital' : 'online',
        region: c.home,
        channel: 'online',
      });
    });
  }
  if (pattern === 'account_takeover') {
    const away: Region = REGIONS.filter((x) => x !== c.home)[Math.floor(r() * (REGIONS.length - 1))];
    const n = 1 + Math.floor(r() * 3);
    let ts = t0;
    return Array.from({ length: n }, () => {
      ts += 300 + Math.floor(r() * 3000);
      const mcc = r() < 0.5 ? 'electronics' : r() < 0.5 ? 'travel' : 'retail';
      const region = r() < 0.6 ? away : c.home;
      return fraud(c, ts, c.level * (2 + 8 * r()), {
        merchant_id: `${region}-${mcc}-${Math.floor(r() * 40)}`,
        mcc,
        region,
        channel: r() < 0.5 ? 'online' : 'pos',
      });
    });
  }
  const n = 1 + Math.floor(r() * 2);
  let ts = t0;
  return Array.from({ length: n }, () => {
    ts += 600 + Math.floor(r() * 7200);
    return fraud(c, ts, 40 + logNormal(r, 4.2, 0.5), {
      merchant_id: RING_MERCHANTS[Math.floor(r() * RING_MERCHANTS.length)],
      mcc: 'gift_cards',
      region: 'central',
      channel: 'online',
    });
  });
}
