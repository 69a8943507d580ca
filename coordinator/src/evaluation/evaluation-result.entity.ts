import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/column-types';

/** A global model's metrics on one bank's holdout. */
@Entity('evaluation_results')
@Index(['modelVersionId', 'participantId'], { unique: true })
export class EvaluationResult {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 64 })
  modelVersionId!: string;

  @Column('varchar', { length: 64 })
  participantId!: string;

  @Column('integer')
  numExamples!: number;

  @Column('double precision')
  loss!: number;

  @Column('double precision')
  accuracy!: number;

  @Column('double precision')
  auc!: number;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;
}
