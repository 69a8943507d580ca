import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BINARY_COLUMN, epochMs } from '../common/column-types';

/**
 * A secure round's model as its publisher uploaded it, held until another member confirms its
 * SHA-256 (model-confirmation.entity.ts): only then is it recorded as a model version.
 */
@Entity('pending_publications')
export class PendingPublication {
  @PrimaryColumn('varchar', { length: 64 })
  roundId!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 64 })
  publisherId!: string;

  @Column('varchar', { length: 64 })
  encoding!: string;

  @Column(BINARY_COLUMN)
  data!: Buffer;

  /** SHA-256 of the float32 payload when published in the clear; null when sealed (only members can open it). */
  @Column('varchar', { length: 64, nullable: true })
  payloadSha256!: string | null;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;
}
