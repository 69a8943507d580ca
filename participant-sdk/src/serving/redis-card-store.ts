import { Redis } from 'ioredis';
import type { CardState } from '@syndicate/protocol';

/**
 * Per-card histories several scoring replicas share: each transaction reads
 * its card's state, scores against it and writes the state after it, as one
 * step that no other replica's write can interleave with.
 */
export interface SharedCardStore {
  /**
   * Calls `step` with the card's current state and stores the `next` it
   * returns (none: nothing changes). `step` may run more than once when
   * another replica moved the card meanwhile, so it must be pure.
   */
  update<T>(cardId: string, step: (before: CardState | undefined) => { next?: CardState; result: T }): Promise<T>;
  close(): Promise<void>;
}

/** A store failure (Redis down, or a card contended past the retries): the request is answered 503, not 400. */
export class CardStoreUnavailable extends Error {}

/** Default time a card's history is kept after its last transaction. */
export const DEFAULT_CARD_TTL_DAYS = 30;
const MAX_ATTEMPTS = 16;

/** Writes the state only if the card's version is still the one read (optimistic concurrency), and renews its TTL. */
const COMPARE_AND_SET = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;

type CasRedis = Redis & {
  syndicateCardCas(key: string, expected: string, next: string, state: string, ttl: number): Promise<number>;
};

const isNumbers = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === 'number');
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((v) => typeof v === 'string');

/** A state as stored, or undefined when it is not one (then the card starts again as new rather than failing). */
function parseState(text: string): CardState | undefined {
  try {
    const s = JSON.parse(text) as Partial<CardState>;
    return typeof s.lastTs === 'number' &&
      typeof s.count === 'number' &&
      typeof s.meanAmount === 'number' &&
      isNumbers(s.recent) &&
      isStrings(s.merchants) &&
      isStrings(s.regions)
      ? (s as CardState)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Card histories in the bank's own Redis, one hash per card (`v` version,
 * `s` the state as JSON: numbers round-trip exactly, so features are the same
 * bits as from memory). Memory is bounded by a TTL renewed at every
 * transaction: a card quiet for longer scores as new. Redis down fails the
 * request at once (no queueing behind a dead connection), so the switch can
 * fall back to its own rules within its time budget.
 */
export class RedisCardStore implements SharedCardStore {
  private readonly redis: CasRedis;
  conflicts = 0;

  private constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {
    redis.defineCommand('syndicateCardCas', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    this.redis = redis as CasRedis;
  }

  /** Connects (failing with the URL named when Redis cannot be reached) and checks it answers. */
  static async connect(o: { url: string; prefix?: string; ttlDays?: number }): Promise<RedisCardStore> {
    const ttlDays = o.ttlDays ?? DEFAULT_CARD_TTL_DAYS;
    if (!(ttlDays > 0)) throw new RangeError(`--card-ttl-days must be positive, got ${ttlDays}`);
    const redis = new Redis(o.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
    });
    redis.on('error', () => undefined); // reported per request; reconnection is ioredis's own
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new Error(
        `card store Redis ${o.url.replace(/\/\/[^@/]*@/, '//***@')} cannot be reached (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    return new RedisCardStore(redis, o.prefix ?? 'syndicate:card:', Math.ceil(ttlDays * 86_400));
  }

  /** Per card, the last update this replica queued: its own requests for a card take turns, so they never conflict. */
  private readonly queued = new Map<string, Promise<unknown>>();

  update<T>(cardId: string, step: (before: CardState | undefined) => { next?: CardState; result: T }): Promise<T> {
    const previous = this.queued.get(cardId);
    const attempt = () => this.attempt(cardId, step);
    const run = previous ? previous.then(attempt, attempt) : attempt();
    this.queued.set(cardId, run);
    const forget = () => {
      if (this.queued.get(cardId) === run) this.queued.delete(cardId);
    };
    run.then(forget, forget);
    return run;
  }

  /** Read, score, compare-and-set; again (after a short random pause) when another replica wrote first. */
  private async attempt<T>(
    cardId: string,
    step: (before: CardState | undefined) => { next?: CardState; result: T },
  ): Promise<T> {
    const key = this.prefix + cardId;
    for (let attempt = 1; ; attempt++) {
      let version: string | null;
      let text: string | null;
      try {
        [version, text] = await this.redis.hmget(key, 'v', 's');
      } catch (err) {
        throw new CardStoreUnavailable(`card store: ${err instanceof Error ? err.message : String(err)}`);
      }
      const { next, result } = step(text === null ? undefined : parseState(text));
      if (!next) return result;
      let written: number;
      try {
        const v = version ?? '';
        written = await this.redis.syndicateCardCas(
          key,
          v,
          String(Number(v) + 1),
          JSON.stringify(next),
          this.ttlSeconds,
        );
      } catch (err) {
        throw new CardStoreUnavailable(`card store: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (written === 1) return result;
      this.conflicts++;
      if (attempt >= MAX_ATTEMPTS)
        throw new CardStoreUnavailable(`card store: card ${cardId} changed under ${MAX_ATTEMPTS} attempts in a row`);
      await new Promise((r) => setTimeout(r, Math.random() * attempt));
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
