import { BINARY_COLUMN } from '../common/column-types';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

@Entity('model_versions')
@Index(['federationId', 'roundNumber', 'keyEpoch'], { unique: true })
export class ModelVersion {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  /** 0 for the initial model derived from the plan's seed. */
  @Column('integer')
  roundNumber!: number;

  @Column('integer')
  contributors!: number;

  @Column('varchar', { length: 32 })
  encoding!: string;

  @Column('integer')
  numParams!: number;

  @Column('varchar', { length: 64 })
  sha256!: string;

  @Column('varchar', { length: 64 })
  planSha256!: string;

  @Column(BINARY_COLUMN)
  data!: Buffer;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  /** Key epoch a sealed model is sealed under; a re-seal for a new epoch is a new row. 0 when plaintext. */
  @Column('integer', { default: 0 })
  keyEpoch!: number;
}
