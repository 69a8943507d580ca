import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

export type SchemaCollectionState = 'names' | 'tallies' | 'closed' | 'abandoned';

/**
 * One consortium schema collection: members send category tags (sealed names), the coordinator
 * builds the shared index, members send encrypted tallies over it, the coordinator only adds them.
 */
@Entity('schema_collections')
@Index('IDX_schema_collections_federation', ['federationId', 'createdAt'])
export class SchemaCollection {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 16 })
  state!: SchemaCollectionState;

  /** The key epoch every tally is encrypted under. */
  @Column('integer')
  keyEpoch!: number;

  /** Categories seen fewer times consortium-wide go to "__other__" (members apply it after decrypting). */
  @Column('integer')
  minCategoryCount!: number;

  /** JSON array of the members expected (the epoch's members active at the start). */
  @Column('text')
  memberIds!: string;

  /** JSON SchemaIndex (tags and sealed names only), once every member sent its names. */
  @Column('text', { nullable: true })
  indexJson!: string | null;

  @Column('varchar', { length: 128 })
  startedBy!: string;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  closedAt!: number | null;
}
