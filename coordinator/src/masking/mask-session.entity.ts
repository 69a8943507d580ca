import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ContributionKind } from '@syndicate/protocol';
import { epochMs } from '../common/column-types';

/** advertising -> masking (adverts frozen: the committed set) -> confirming (survivors fixed); or failed. */
export type MaskSessionState = 'advertising' | 'masking' | 'confirming' | 'failed';

/** One masked sum: a round's contributions of one kind. The coordinator relays; members decide. */
@Entity('mask_sessions')
@Index('IDX_mask_sessions_round_kind', ['roundId', 'kind'], { unique: true })
export class MaskSessionRecord {
  @PrimaryColumn('varchar', { length: 96 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 64 })
  roundId!: string;

  @Column('varchar', { length: 16 })
  kind!: ContributionKind;

  @Column('integer')
  keyEpoch!: number;

  @Column('integer')
  threshold!: number;

  /** Members the phase's tasks went to, sorted. */
  @Column('text')
  expectedJson!: string;

  @Column('varchar', { length: 16 })
  state!: MaskSessionState;

  /** Adverts close here even if an expected member never advertised. */
  @Column('bigint', { transformer: epochMs })
  advertDeadlineAt!: number;

  @Column('text', { nullable: true })
  survivorsJson!: string | null;

  @Column('text', { nullable: true })
  failure!: string | null;
}
