import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** What one member sent at one step of a schema collection: its tags and sealed names, or its encrypted tally. */
@Entity('schema_contributions')
export class SchemaContribution {
  @PrimaryColumn('varchar', { length: 64 })
  collectionId!: string;

  @PrimaryColumn('varchar', { length: 64 })
  participantId!: string;

  /** 'names' or 'tally'. */
  @PrimaryColumn('varchar', { length: 8 })
  step!: 'names' | 'tally';

  /** names: the SchemaNamesContribution JSON; tally: the BFV ciphertext, base64. */
  @Column('text')
  body!: string;

  /** tally: the member's signed ContributionStatement (wire form, bytes as hex). */
  @Column('text', { nullable: true })
  statementJson!: string | null;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;
}
