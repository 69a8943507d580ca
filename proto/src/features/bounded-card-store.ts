import type { CardState, CardStateStore, PlaceName } from './card-behaviour';

/** Cards kept by default: about 1 KiB each, so about 1 GiB at most. */
export const DEFAULT_MAX_CARDS = 1_000_000;

/** A card in the recency list: newer toward `head`, older toward `tail`. */
interface Slot<P extends PlaceName> {
  cardId: string;
  state: CardState<P>;
  newer: Slot<P> | undefined;
  older: Slot<P> | undefined;
}

/**
 * Per-card histories in memory, least recently used evicted past `maxCards`:
 * memory stays bounded however many cards the switch sees. An evicted card
 * scores afterwards as a card never seen, so size the bound above the cards
 * active within a day. Recency is a linked list beside the map, so storing a
 * known card's next state is one lookup and a few pointer moves (a delete and
 * re-insert into the Map cost two more lookups and leave holes to rehash).
 */
export class BoundedCardStore<P extends PlaceName = string> implements CardStateStore<P> {
  private readonly cards = new Map<string, Slot<P>>();
  private newest: Slot<P> | undefined;
  private oldest: Slot<P> | undefined;
  evictions = 0;

  constructor(readonly maxCards = DEFAULT_MAX_CARDS) {
    if (!Number.isSafeInteger(maxCards) || maxCards < 1)
      throw new RangeError(`maxCards must be a positive integer, got ${maxCards}`);
  }

  get size(): number {
    return this.cards.size;
  }

  get(cardId: string): CardState<P> | undefined {
    return this.cards.get(cardId)?.state;
  }

  set(cardId: string, state: CardState<P>): void {
    let slot = this.cards.get(cardId);
    if (slot) {
      slot.state = state;
      if (slot === this.newest) return;
      this.unlink(slot);
    } else {
      slot = { cardId, state, newer: undefined, older: undefined };
      this.cards.set(cardId, slot);
    }
    slot.older = this.newest;
    if (this.newest) this.newest.newer = slot;
    this.newest = slot;
    this.oldest ??= slot;
    if (this.cards.size > this.maxCards) {
      const old = this.oldest!;
      this.unlink(old);
      this.cards.delete(old.cardId);
      this.evictions++;
    }
  }

  private unlink(slot: Slot<P>): void {
    if (slot.newer) slot.newer.older = slot.older;
    else this.newest = slot.older;
    if (slot.older) slot.older.newer = slot.newer;
    else this.oldest = slot.newer;
    slot.newer = slot.older = undefined;
  }
}
