import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';
import type { ScheduleStatus } from './schedule-spec';

/** When a federation's rounds may run; progress is derived from the rounds it opened. */
@Entity('schedules')
export class Schedule {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 16 })
  status!: ScheduleStatus;

  @Column('varchar', { length: 128 })
  cron!: string;

  @Column('varchar', { length: 64 })
  timeZone!: string;

  @Column('integer')
  windowMinutes!: number;

  @Column('integer')
  rounds!: number;

  @Column('integer')
  minParticipants!: number;

  @Column('integer')
  deadlineSeconds!: number;

  @Column('integer')
  maxDurationSeconds!: number;

  @Column('varchar', { length: 8 })
  onQuorumMissed!: 'retry' | 'fail';

  @Column('varchar', { length: 64 })
  createdBy!: string;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  @Column('text', { nullable: true })
  statusReason!: string | null;
}
