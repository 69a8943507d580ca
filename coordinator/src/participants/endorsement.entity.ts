import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** One member's signed word that a signing key belongs to a named bank; the coordinator only relays it. */
@Entity('endorsements')
@Index(['federationId', 'subjectSigningPublicKey', 'endorserSigningPublicKey'], { unique: true })
export class EndorsementRecord {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  /** Ed25519 public keys, hex. */
  @Column('varchar', { length: 64 })
  subjectSigningPublicKey!: string;

  @Column('varchar', { length: 128 })
  subjectDisplayName!: string;

  @Column('varchar', { length: 64 })
  endorserSigningPublicKey!: string;

  @Column('varchar', { length: 128 })
  signature!: string;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;
}
