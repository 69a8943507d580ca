import type { ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';

/** One verified contribution, as the intake hands it to an accumulator. */
export interface Contribution {
  roundId: string;
  participantId: string;
  kind: ContributionKind;
  payload: Buffer;
  /** The sample weight of a plaintext update; 0 where the weight travels encrypted. */
  numSamples: number;
  numParams: number;
  /** Values the contribution carries (see `contributionValues` in proto). */
  valueCount: number;
  keyEpoch: number;
  parameterSet: string;
}

/** What every sum of one round and kind must agree on. */
export interface SumShape {
  keyEpoch: number;
  valueCount: number;
  parameterSet: string;
}

export interface AggregateSum {
  data: Buffer;
  contributors: number;
}

/**
 * A running sum of one kind of contribution for a round. Implementations differ in
 * what they sum (float updates, integer fields, ciphertexts); the intake owns the
 * transaction they write in, so a contribution and its receipt commit together.
 */
export interface ContributionAccumulator<Decoded = unknown> {
  readonly name: string;
  /** How the intake locks the round row: `exclusive` for a read-modify-write of one accumulator row. */
  readonly roundLock: 'share' | 'exclusive';
  /** Checks and decodes the payload before any lock is taken; throws a SyndicateError naming what is wrong. */
  decode(c: Contribution): Decoded;
  /** Folds the contribution in within `em`; returns the contributors counted so far. */
  add(em: EntityManager, c: Contribution, decoded: Decoded): Promise<number>;
  /** Told whether the transaction that called `add` committed, so in-memory state can follow the database. */
  settle?(roundId: string, kind: ContributionKind, committed: boolean): void;
  /** The round's sum of `kind`, or null when nothing was accepted. */
  sum(em: EntityManager, roundId: string, kind: ContributionKind, shape: SumShape): Promise<AggregateSum | null>;
}
