/**
 * Per-card behavioural features over time, from raw card transactions. One
 * implementation for training (the CSV connector derives these columns) and
 * serving (the scoring service keeps the same state per card on a live
 * stream), so a model never sees features computed two ways.
 */

/**
 * How merchants and regions are named: their text, or (the batch scorer, which
 * owns its card states) an integer code per distinct text. Codes compare equal
 * exactly when the texts do, so the features are the same; comparing two small
 * integers reads no string from memory, which is most of the cost of a history
 * scattered over a large heap.
 */
export type PlaceName = string | number;

/** A raw card transaction as the payment switch sees it. `ts` is Unix time in seconds (UTC). */
export interface CardTransaction<P extends PlaceName = string> {
  cardId: string;
  ts: number;
  amount: number;
  merchantId: P;
  region: P;
}

/**
 * What one card's history keeps: bounded, so memory per card is fixed, and
 * plain JSON, so a shared store (Redis) can hold it for several replicas.
 */
export interface CardState<P extends PlaceName = string> {
  lastTs: number;
  /** Transactions seen, capped at MEAN_WINDOW so the mean follows a card whose spending changes. */
  count: number;
  meanAmount: number;
  /** Timestamps of the last day's transactions, oldest first, at most RECENT_MAX. */
  recent: number[];
  /** Most recent distinct merchants and regions, newest last. */
  merchants: P[];
  regions: P[];
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

const NO_HISTORY_LOG_GAP = Math.log1p(NO_HISTORY_GAP);

/** Whether `list` holds `value`: `includes` written out, as the scorers call it on every transaction. */
function holds<P extends PlaceName>(list: readonly P[], value: P): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

/**
 * Features of `tx` given the card's history before it (undefined: a new card).
 * Pure; the history is not changed. Values are finite for any finite input.
 * `out` (the batch scorer's reused array) receives them instead of a new array.
 */
export function behaviouralFeatures<P extends PlaceName>(
  tx: CardTransaction<P>,
  s: CardState<P> | undefined,
  out: number[] = new Array<number>(BEHAVIOUR_FEATURES.length),
): number[] {
  const ts = tx.ts;
  const amount = Math.max(0, tx.amount);
  // For a whole, positive time ts % DAY is already in [0, DAY): the second remainder changes nothing
  // (it does for -0, which it turns into +0).
  const inDay = ts > 0 && Number.isSafeInteger(ts) ? ts % DAY : ((ts % DAY) + DAY) % DAY;
  const hour = Math.floor(inDay / HOUR);
  out[0] = Math.log1p(amount);
  out[6] = hour;
  out[7] = hour < 6 ? 1 : 0;
  if (s === undefined) {
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    out[4] = 1;
    out[5] = 1;
    out[8] = NO_HISTORY_LOG_GAP;
    out[9] = 0;
    return out;
  }
  let lastHour = 0;
  let lastDay = 0;
  const recent = s.recent;
  for (let i = 0; i < recent.length; i++) {
    const age = ts - recent[i];
    if (age < 0 || age >= DAY) continue;
    lastDay++;
    if (age < HOUR) lastHour++;
  }
  out[1] = Math.log((amount + 1) / (s.meanAmount + 1));
  out[2] = lastHour;
  out[3] = lastDay;
  out[4] = holds(s.merchants, tx.merchantId) ? 0 : 1;
  out[5] = holds(s.regions, tx.region) ? 0 : 1;
  out[8] = Math.log1p(Math.max(0, ts - s.lastTs));
  out[9] = Math.log1p(s.count);
  return out;
}

/**
 * Moves `value` to the newest end of `list` (adding it if new), keeping the
 * newest `keep`. In place and without resizing in the common cases (a value
 * seen before, a list not yet full): this runs for every transaction.
 */
function remember<P extends PlaceName>(list: P[], value: P, keep: number): void {
  const n = list.length;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (v === value) continue;
    if (kept !== i) list[kept] = v;
    kept++;
  }
  if (kept < n) {
    list[kept] = value;
    if (kept + 1 < n) list.length = kept + 1;
  } else list.push(value);
  while (list.length > keep) list.shift();
}

/** The history of a card whose first transaction is `tx`. */
function firstState<P extends PlaceName>(tx: CardTransaction<P>): CardState<P> {
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
export function advanceCardStateInPlace<P extends PlaceName>(
  s: CardState<P> | undefined,
  tx: CardTransaction<P>,
): CardState<P> {
  if (!s) return firstState(tx);
  const ts = tx.ts;
  const amount = Math.max(0, tx.amount);
  s.count = Math.min(MEAN_WINDOW, s.count + 1);
  s.meanAmount = s.meanAmount + (amount - s.meanAmount) / s.count;
  s.lastTs = Math.max(s.lastTs, ts);
  // Keep the last day's timestamps (in arrival order), then this one; in place, resized only when some expire.
  const recent = s.recent;
  const n = recent.length;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const t = recent[i];
    if (!(ts - t < DAY)) continue;
    if (kept !== i) recent[kept] = t;
    kept++;
  }
  if (kept < n) {
    recent[kept] = ts;
    if (kept + 1 < n) recent.length = kept + 1;
  } else recent.push(ts);
  if (recent.length > RECENT_MAX) recent.splice(0, recent.length - RECENT_MAX);
  remember(s.merchants, tx.merchantId, MERCHANTS_MAX);
  remember(s.regions, tx.region, REGIONS_MAX);
  return s;
}

/** The card's history after `tx`; a new object, the old one is left as it was. */
export function advanceCardState<P extends PlaceName>(
  s: CardState<P> | undefined,
  tx: CardTransaction<P>,
): CardState<P> {
  return advanceCardStateInPlace(
    s && { ...s, recent: [...s.recent], merchants: [...s.merchants], regions: [...s.regions] },
    tx,
  );
}

/** Where per-card histories live: in memory (bounded) for one replica, or a bank's Redis for several. */
export interface CardStateStore<P extends PlaceName = string> {
  get(cardId: string): CardState<P> | undefined;
  set(cardId: string, state: CardState<P>): void;
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
