import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { FailureCode } from './schedule-policy';
import { epochMs } from '../common/column-types';
import type { RoundState } from './round-state-machine';

@Entity('rounds')
@Index(['federationId', 'number'], { unique: true })
@Index(['scheduleId', 'scheduleSeq'], { unique: true })
export class Round {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('integer')
  number!: number;

  @Column('varchar', { length: 16 })
  state!: RoundState;

  /** Global model the participants train from. */
  @Column('varchar', { length: 64 })
  baseModelVersionId!: string;

  @Column('integer')
  minParticipants!: number;

  @Column('bigint', { transformer: epochMs })
  openedAt!: number;

  @Column('bigint', { transformer: epochMs })
  deadlineAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  closedAt!: number | null;

  /** Model version published by this round, when it published. */
  @Column('varchar', { length: 64, nullable: true })
  resultModelVersionId!: string | null;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  /** Aggregation mode fixed when the round opened (the plan may say secure or plaintext). */
  @Column('varchar', { length: 16, default: 'plaintext' })
  mode!: 'plaintext' | 'secure';

  /** Key epoch every ciphertext of this round must be made under (secure mode). */
  @Column('integer', { default: 0 })
  keyEpoch!: number;

  /** End of the sample-count phase (secure mode). */
  @Column('bigint', { transformer: epochMs, nullable: true })
  countDeadlineAt!: number | null;

  /** Member asked to publish the new global model (secure mode). */
  @Column('varchar', { length: 64, nullable: true })
  publisherId!: string | null;

  /** Machine-readable cause of a failure. */
  @Column('varchar', { length: 32, nullable: true })
  failureCode!: FailureCode | null;

  /** Schedule that opened the round, and its place in it: unique, so a round is never opened twice. */
  @Column('varchar', { length: 64, nullable: true })
  scheduleId!: string | null;

  @Column('integer', { nullable: true })
  scheduleSeq!: number | null;

  /** The round fails if not published by then. */
  @Column('bigint', { transformer: epochMs, nullable: true })
  mustFinishBy!: number | null;

  /** Set while paused: no deadline runs and no transition happens. */
  @Column('bigint', { transformer: epochMs, nullable: true })
  pausedAt!: number | null;
}
