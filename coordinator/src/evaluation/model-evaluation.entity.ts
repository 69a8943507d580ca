import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

export type ModelEvaluationState = 'collecting' | 'decrypting' | 'complete' | 'failed';

/**
 * The consortium's evaluation of one published model: members add encrypted
 * per-class score histograms of their holdouts (kind `evaluation` of the round
 * that produced the model), one member decrypts the sum and reports it, the
 * others confirm it. Only the summed histogram and metrics derived from it are
 * stored; no bank's own figures ever reach the coordinator.
 */
@Entity('model_evaluations')
@Index(['federationId', 'roundNumber'])
export class ModelEvaluation {
  @PrimaryColumn('varchar', { length: 64 })
  modelVersionId!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 64 })
  roundId!: string;

  @Column('integer')
  roundNumber!: number;

  @Column('varchar', { length: 16 })
  state!: ModelEvaluationState;

  @Column('integer')
  keyEpoch!: number;

  @Column('integer')
  bins!: number;

  /** Fewest histograms in a sum the consortium may see (the round's quorum): no single bank's distribution is ever revealed. */
  @Column('integer')
  minContributors!: number;

  @Column('bigint', { transformer: epochMs })
  deadlineAt!: number;

  @Column('integer', { default: 0 })
  contributors!: number;

  /** JSON: the decrypted consortium histogram, as reported. */
  @Column('text', { nullable: true })
  histogramJson!: string | null;

  /** JSON: FederatedMetrics computed from the histogram (and the first round's, for PSI). */
  @Column('text', { nullable: true })
  metricsJson!: string | null;

  /** JSON: the consortium histogram of the test rows (they report; the histogram above is the validation rows'). */
  @Column('text', { nullable: true })
  testHistogramJson!: string | null;

  /** JSON: FederatedMetrics of the test rows. */
  @Column('text', { nullable: true })
  testMetricsJson!: string | null;

  /** JSON: the plan's selection policy at opening (metric, margin, patience). */
  @Column('text', { nullable: true })
  selectionJson!: string | null;

  /** When this version became the federation's champion; null if it never did. The champion is the latest promoted. */
  @Column('bigint', { transformer: epochMs, nullable: true })
  promotedAt!: number | null;

  @Column('varchar', { length: 64, nullable: true })
  reportedBy!: string | null;

  /** JSON array: members that decrypted the sum and reported this same histogram (the first is reportedBy). */
  @Column('text', { default: '[]' })
  reportersJson!: string;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  completedAt!: number | null;
}
