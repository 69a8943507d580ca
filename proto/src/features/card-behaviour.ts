/**
 * Per-card behavioural features over time, from raw card transactions. One
 * implementation for training (the CSV connector derives these columns) and
 * serving (the scoring service keeps the same state per card on a live
 * stream), so a model never sees features computed two ways.
 */

/** A raw card transaction as the payment switch sees it. `ts` is Unix time in seconds (UTC). */
export interface CardTransaction {
  cardId: string;
  ts: number;
  amount: number;
  merchantId: string;
  region: string;
}

/**
 * What one card's history keeps: bounded, so memory per card is fixed, and
 * plain JSON, so a shared store (Redis) can hold it for several replicas.
 */
export interface CardState {
  lastTs: number;
  /** Transactions seen, capped at MEAN_WINDOW so the mean follows a card whose spending changes. */
  count: number;
  meanAmount: number;
  /** Timestamps of the last day's transactions, oldest first, at most RECENT_MAX. */
  recent: number[];
  /** Most recent distinct merchants and regions, newest last. */
  merchants: string[];
  regions: string[];
}

export const MEAN_WINDOW = 50;
export const RECENT_MAX = 64;
export const MERCHANTS_MAX = 32;
export const REGIONS_MAX = 8;
const HOUR = 3600;
const DAY = 86_400;
export const DAY_SECONDS = DAY;
/** Seconds since the last transaction for a card never seen before: as if it were 30 days. */
const NO_HISTORY_GAP = 30 * DAY;

/** The derived column names, in the order `behaviouralFeatures` returns their values. */
export const BEHAVIOUR_FEATURES = [
  'amount_log',
  'amount_vs_card_mean',
  'tx_last_hour',
  'tx_last_day',
  'new_merchant',
  'new_region',
  'hour_of_day',
  'night',
  'log_secs_since_last',
  'card_history',
] as const;
export type BehaviourFeature = (typeof BEHAVIOUR_FEATURES)[number];

/** The raw columns a transaction file needs to derive the behavioural features. */
export const TRANSACTION_COLUMNS = {
  cardId: 'card_id',
  ts: 'ts',
  amount: 'amount',
  merchantId: 'merchant_id',
  region: 'region',
} as const;

/**
 * Features of `tx` given the card's history before it (undefined: a new card).
 * Pure; the history is not changed. Values are finite for any finite input.
 * `out` (the batch scorer's reused array) receives them instead of a new array.
 */
export function behaviouralFeatures(
  tx: CardTransaction,
  s: CardState | undefined,
  out: number[] = new Array<number>(BEHAVIOUR_FEATURES.length),
): number[] {
  const gap = s ? Math.max(0, tx.ts - s.lastTs) : NO_HISTORY_GAP;
  let lastHour = 0;
  let lastDay = 0;
  if (s)
    for (const t of s.recent) {
      const age = tx.ts - t;
      if (age < 0 || age >= DAY) continue;
      lastDay++;
      if (age < HOUR) lastHour++;
    }
  const hour = Math.floor((((tx.ts % DAY) + DAY) % DAY) / HOUR);
  out[0] = Math.log1p(Math.max(0, tx.amount));
  out[1] = s ? Math.log((Math.max(0, tx.amount) + 1) / (s.meanAmount + 1)) : 0;
  out[2] = lastHour;
  out[3] = lastDay;
  out[4] = s && s.merchants.includes(tx.merchantId) ? 0 : 1;
  out[5] = s && s.regions.includes(tx.region) ? 0 : 1;
  out[6] = hour;
  out[7] = hour < 6 ? 1 : 0;
  out[8] = Math.log1p(gap);
  out[9] = Math.log1p(s ? s.count : 0);
  return out;
}

/** Moves `value` to the newest end of `list` (adding it if new), keeping the newest `keep`. */
function remember(list: string[], value: string, keep: number): void {
  let kept = 0;
  for (const v of list) if (v !== value) list[kept++] = v;
  list.length = kept;
  list.push(value);
  while (list.length > keep) list.shift();
}

/** The history of a card whose first transaction is `tx`. */
function firstState(tx: CardTransaction): CardState {
  return {
    lastTs: tx.ts,
    count: 1,
    meanAmount: Math.max(0, tx.amount),
    recent: [tx.ts],
    merchants: [tx.merchantId],
    regions: [tx.region],
  };
}

/**
 * Moves `s` past `tx` in place and returns it (a new state for a new card):
 * the one implementation of the history, used in place by the batch scorer,
 * which owns its states, and through `advanceCardState` everywhere else.
 */
export function advanceCardStateInPlace(s: CardState | undefined, tx: CardTransaction): CardState {
  if (!s) return firstState(tx);
  const amount = Math.max(0, tx.amount);
  s.count = Math.min(MEAN_WINDOW, s.count + 1);
  s.meanAmount = s.meanAmount + (amount - s.meanAmount) / s.count;
  s.lastTs = Math.max(s.lastTs, tx.ts);
  // Keep the last day's timestamps (in arrival order), then this one.
  let kept = 0;
  for (const t of s.recent) if (tx.ts - t < DAY) s.recent[kept++] = t;
  s.recent.length = kept;
  s.recent.push(tx.ts);
  if (s.recent.length > RECENT_MAX) s.recent.splice(0, s.recent.length - RECENT_MAX);
  remember(s.merchants, tx.merchantId, MERCHANTS_MAX);
  remember(s.regions, tx.region, REGIONS_MAX);
  return s;
}

/** The card's history after `tx`; a new object, the old one is left as it was. */
export function advanceCardState(s: CardState | undefined, tx: CardTransaction): CardState {
  return advanceCardStateInPlace(
    s && { ...s, recent: [...s.recent], merchants: [...s.merchants], regions: [...s.regions] },
    tx,
  );
}

/** Where per-card histories live: in memory (bounded) for one replica, or a bank's Redis for several. */
export interface CardStateStore {
  get(cardId: string): CardState | undefined;
  set(cardId: string, state: CardState): void;
}

/**
 * The features of one transaction against its card's history, then the
 * history moved past it: what both the training connector and the scoring
 * service call, once per transaction, in arrival order.
 */
export function observeTransaction(store: CardStateStore, tx: CardTransaction): number[] {
  const before = store.get(tx.cardId);
  const features = behaviouralFeatures(tx, before);
  store.set(tx.cardId, advanceCardState(before, tx));
  return features;
}
