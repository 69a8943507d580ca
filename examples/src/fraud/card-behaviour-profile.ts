import type { Rand } from './random';
import { logNormal, normal, pickWeighted } from './random';

export const MCCS = [
  'grocery',
  'fuel',
  'restaurant',
  'retail',
  'online',
  'travel',
  'electronics',
  'gift_cards',
  'digital',
  'atm',
] as const;
export type Mcc = (typeof MCCS)[number];
export const CHANNELS = ['pos', 'online'] as const;
export const REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
export type Region = (typeof REGIONS)[number];

export const ONLINE_MCCS = new Set<Mcc>(['online', 'digital', 'gift_cards']);
/** Spending relative to the card's level, per category. */
const MCC_AMOUNT: Record<Mcc, number> = {
  grocery: 1,
  fuel: 1.1,
  restaurant: 0.8,
  retail: 1.5,
  online: 1.2,
  travel: 5,
  electronics: 4,
  gift_cards: 1.2,
  digital: 0.3,
  atm: 2.5,
};
/** How common each category is in a legitimate card's life. */
const MCC_POPULARITY: Record<Mcc, number> = {
  grocery: 10,
  fuel: 5,
  restaurant: 6,
  retail: 5,
  online: 5,
  travel: 0.6,
  electronics: 0.8,
  gift_cards: 0.4,
  digital: 2,
  atm: 2,
};

/** How one cardholder spends: what the behavioural features learn "normal" from. */
export interface Cardholder {
  id: string;
  home: Region;
  level: number;
  txPerDay: number;
  /** Centre of the card's active hours. */
  hourCentre: number;
  mccWeights: Record<Mcc, number>;
  favourites: string[];
}

export const merchantId = (region: string, mcc: string, k: number) => `${region}-${mcc}-${k}`;

export function cardholder(r: Rand, id: string, home: Region, spendLevel: number): Cardholder {
  const mccWeights = Object.fromEntries(MCCS.map((m) => [m, MCC_POPULARITY[m] * logNormal(r, 0, 0.8)])) as Record<
    Mcc,
    number
  >;
  const favourites = Array.from({ length: 8 }, () => {
    const m = pickWeighted(r, mccWeights);
    return merchantId(home, m, Math.floor(r() * 40));
  });
  return {
    id,
    home,
    level: spendLevel * logNormal(r, 0, 0.6),
    txPerDay: Math.max(0.2, logNormal(r, 0.2, 0.6)),
    hourCentre: r() < 0.7 ? 13 : 18,
    mccWeights,
    favourites,
  };
}

export interface RawTx {
  card_id: string;
  ts: number;
  amount: number;
  merchant_id: string;
  mcc: Mcc;
  region: Region;
  channel: (typeof CHANNELS)[number];
  is_fraud: 0 | 1;
}

/** One legitimate transaction of the card on the day starting at `day0`. */
export function legitimate(r: Rand, c: Cardholder, day0: number): RawTx {
  const favourite = r() < 0.8;
  const merchant = favourite ? c.favourites[Math.floor(r() * c.favourites.length)] : undefined;
  const mcc = merchant ? (merchant.split('-')[1] as Mcc) : pickWeighted(r, c.mccWeights);
  const travelling = r() < 0.05;
  const region = travelling ? REGIONS[Math.floor(r() * REGIONS.length)] : c.home;
  const hour = Math.min(23.99, Math.max(0, c.hourCentre + 3.5 * normal(r)));
  return {
    card_id: c.id,
    ts: day0 + Math.floor(hour * 3600 + r() * 60),
    amount: Math.round(c.level * MCC_AMOUNT[mcc] * logNormal(r, 0, 0.5) * 100) / 100,
    merchant_id: merchant ?? merchantId(region, mcc, Math.floor(r() * 40)),
    mcc,
    region,
    channel: ONLINE_MCCS.has(mcc) ? 'online' : 'pos',
    is_fraud: 0,
  };
}

/** A few small online purchases within minutes, at any hour: legitimate, and close to card testing. */
export function legitimateBurst(r: Rand, c: Cardholder, day0: number): RawTx[] {
  let ts = day0 + Math.floor(r() * 86_400);
  return Array.from({ length: 2 + Math.floor(r() * 4) }, () => {
    ts += 30 + Math.floor(r() * 600);
    return {
      card_id: c.id,
      ts,
      amount: Math.round((0.99 + r() * 15) * 100) / 100,
      merchant_id: merchantId(c.home, 'digital', Math.floor(r() * 40)),
      mcc: 'digital' as const,
      region: c.home,
      channel: 'online' as const,
      is_fraud: 0 as const,
    };
  });
}
