import type { CardState, CardStateStore } from './card-behaviour';

/** Cards kept by default: about 1 KiB each, so about 1 GiB at most. */
export const DEFAULT_MAX_CARDS = 1_000_000;

/**
 * Per-card histories in memory, least recently used evicted past `maxCards`:
 * memory stays bounded however many cards the switch sees. An evicted card
 * scores afterwards as a card never seen, so size the bound above the cards
 * active within a day.
 */
export class BoundedCardStore implements CardStateStore {
  private readonly cards = new Map<string, CardState>();
  evictions = 0;

  constructor(readonly maxCards = DEFAULT_MAX_CARDS) {
    if (!Number.isSafeInteger(maxCards) || maxCards < 1)
      throw new RangeError(`maxCards must be a positive integer, got ${maxCards}`);
  }

  get size(): number {
    return this.cards.size;
  }

  get(cardId: string): CardState | undefined {
    return this.cards.get(cardId);
  }

  set(cardId: string, state: CardState): void {
    // Re-inserting moves the card to the young end of the Map's insertion order.
    this.cards.delete(cardId);
    this.cards.set(cardId, state);
    if (this.cards.size > this.maxCards) {
      this.cards.delete(this.cards.keys().next().value as string);
      this.evictions++;
    }
  }
}
