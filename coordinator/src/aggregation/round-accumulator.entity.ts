import type { ContributionKind } from '@syndicate/protocol';
import { BINARY_COLUMN } from '../common/column-types';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A round's running aggregate, written in the same transaction as each receipt,
 * so the sum and the set of updates inside it can never disagree after a crash.
 */
@Entity('round_accumulators')
export class RoundAccumulator {
  @PrimaryColumn('varchar', { length: 64 })
  roundId!: string;

  /** Under secure aggregation `data` is an encrypted sum; plaintext evaluation sums are float64 vectors. */
  @PrimaryColumn('varchar', { length: 16 })
  kind!: ContributionKind;

  @Column('integer')
  contributors!: number;

  @Column('double precision')
  totalWeight!: number;

  @Column(BINARY_COLUMN)
  data!: Buffer;
}
