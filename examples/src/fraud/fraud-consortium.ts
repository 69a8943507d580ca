import { seededRandom } from '@syndicate/protocol';
import { cardholder, legitimate, legitimateBurst, type RawTx, type Region } from './card-behaviour-profile';
import { fraudEvent, FRAUD_PATTERNS, type FraudPattern } from './fraud-patterns';
import { pickWeighted, poisson } from './random';

/** One bank of the fraud consortium: its size, its customers, and how often each pattern hits it. */
export interface FraudBankProfile {
  name: string;
  cards: number;
  spendLevel: number;
  regionMix: Record<Region, number>;
  /** Fraud events per 1000 legitimate transactions. */
  fraudEventsPerMille: number;
  patternMix: Record<FraudPattern, number>;
}

/**
 * Four banks of very different sizes (4 000 down to 900 cards). Fraud rates end between 0.1% and 0.5% of
 * transactions. The ring works mostly through the large banks' cards: the
 * small bank sees a handful of its cases, too few to learn alone.
 */
export const FRAUD_BANKS: FraudBankProfile[] = [
  {
    name: 'atlas',
    cards: 4000,
    spendLevel: 45,
    regionMix: { north: 0.4, south: 0.1, east: 0.1, west: 0.1, central: 0.3 },
    fraudEventsPerMille: 1.2,
    patternMix: { card_testing: 0.3, account_takeover: 0.3, fraud_ring: 0.4 },
  },
  {
    name: 'borealis',
    cards: 2000,
    spendLevel: 38,
    regionMix: { north: 0.2, south: 0.1, east: 0.5, west: 0.1, central: 0.1 },
    fraudEventsPerMille: 1.0,
    patternMix: { card_testing: 0.35, account_takeover: 0.3, fraud_ring: 0.35 },
  },
  {
    name: 'cascade',
    cards: 1500,
    spendLevel: 32,
    regionMix: { north: 0.05, south: 0.3, east: 0.05, west: 0.5, central: 0.1 },
    fraudEventsPerMille: 0.8,
    patternMix: { card_testing: 0.45, account_takeover: 0.35, fraud_ring: 0.2 },
  },
  {
    name: 'delta',
    cards: 900,
    spendLevel: 28,
    regionMix: { north: 0.05, south: 0.5, east: 0.05, west: 0.1, central: 0.3 },
    fraudEventsPerMille: 1.4,
    patternMix: { card_testing: 0.35, account_takeover: 0.35, fraud_ring: 0.3 },
  },
];

export const FRAUD_DAYS = 28;
/** 2026-01-05 00:00 UTC: the generated month starts on a Monday. */
export const FRAUD_EPOCH = 1_767_571_200;
const DAY = 86_400;

export interface FraudBank {
  name: string;
  transactions: RawTx[];
  cards: number;
  fraudRate: number;
  patterns: Record<FraudPattern, number>;
}

/** When an event of this pattern starts on a given day: testers work at night, rings in business hours. */
function eventStart(r: () => number, pattern: FraudPattern, day0: number): number {
  if (pattern === 'card_testing') return day0 + Math.floor((r() < 0.6 ? r() * 5 : r() * 24) * 3600);
  if (pattern === 'fraud_ring') return day0 + Math.floor((10 + r() * 7) * 3600);
  return day0 + Math.floor(r() * DAY);
}

/**
 * A deterministic fraud consortium: per bank, a month of card transactions in
 * time order with legitimate behaviour per card and fraud events injected.
 */
export function generateFraudConsortium(
  o: { seed?: number; scale?: number; banks?: FraudBankProfile[]; days?: number } = {},
): FraudBank[] {
  const seed = o.seed ?? 2026;
  const scale = o.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  const days = o.days ?? FRAUD_DAYS;
  return (o.banks ?? FRAUD_BANKS).map((p, i) => {
    const r = seededRandom((seed * 7919 + i * 104729 + 17) >>> 0);
    const holders = Array.from({ length: Math.max(10, Math.round(p.cards * scale)) }, (_, k) =>
      cardholder(r, `${p.name}-${String(k).padStart(6, '0')}`, pickWeighted(r, p.regionMix), p.spendLevel),
    );
    const tx: RawTx[] = [];
    for (const c of holders)
      for (let d = 0; d < days; d++) {
        const n = poisson(r, c.txPerDay);
        for (let k = 0; k < n; k++) tx.push(legitimate(r, c, FRAUD_EPOCH + d * DAY));
        // Legitimate bursts (an app store, a game): what card testing must be told apart from.
        if (r() < 0.01) tx.push(...legitimateBurst(r, c, FRAUD_EPOCH + d * DAY));
      }
    const events = Math.max(3, poisson(r, (tx.length * p.fraudEventsPerMille) / 1000));
    const patterns = Object.fromEntries(FRAUD_PATTERNS.map((f) => [f, 0])) as Record<FraudPattern, number>;
    for (let e = 0; e < events; e++) {
      const pattern = pickWeighted(r, p.patternMix);
      const c = holders[Math.floor(r() * holders.length)];
      // Not on the first days: a fraud looks unusual only against a card with some history.
      const day0 = FRAUD_EPOCH + (3 + Math.floor(r() * (days - 3))) * DAY;
      const added = fraudEvent(r, pattern, c, eventStart(r, pattern, day0));
      patterns[pattern] += added.length;
      tx.push(...added);
    }
    tx.sort((a, b) => a.ts - b.ts || (a.card_id < b.card_id ? -1 : a.card_id > b.card_id ? 1 : 0));
    const frauds = tx.reduce((s, t) => s + t.is_fraud, 0);
    return { name: p.name, transactions: tx, cards: holders.length, fraudRate: frauds / tx.length, patterns };
  });
}

export const TX_COLUMNS: (keyof RawTx | 'tx_id')[] = [
  'tx_id',
  'card_id',
  'ts',
  'amount',
  'merchant_id',
  'mcc',
  'region',
  'channel',
  'is_fraud',
];

export function transactionsCsv(bank: string, rows: RawTx[]): string {
  const lines = [TX_COLUMNS.join(',')];
  rows.forEach((t, k) =>
    lines.push(
      `${bank}-${k},${t.card_id},${t.ts},${t.amount},${t.merchant_id},${t.mcc},${t.region},${t.channel},${t.is_fraud}`,
    ),
  );
  return lines.join('\n') + '\n';
}
