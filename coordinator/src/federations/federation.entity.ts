import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

@Entity('federations')
export class Federation {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 128, unique: true })
  name!: string;

  /** The validated training plan, as JSON text. */
  @Column('text')
  planJson!: string;

  @Column('varchar', { length: 64 })
  planSha256!: string;

  @Column('integer', { default: 0 })
  keyEpoch!: number;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  /** Round whose encrypted feature-statistics sum sets the consortium standardisation (plans with `standardize: federated`). */
  @Column('varchar', { length: 64, nullable: true })
  featureStatsRoundId!: string | null;

  /** JSON FeatureMoments a member decrypted from that sum: aggregate count, sum, sum of squares per standardised feature. */
  @Column('text', { nullable: true })
  featureMomentsJson!: string | null;

  /** The first member's report of those moments, kept aside until another member reports the same. */
  @Column('text', { nullable: true })
  featureMomentsPendingJson!: string | null;

  /** JSON array of the members who reported the pending (or recorded) moments. */
  @Column('text', { nullable: true })
  featureMomentsReportersJson!: string | null;
}
