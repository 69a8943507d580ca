import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** A member's signature over the audit head after a round it took part in (the member keeps a copy). */
@Entity('audit_witnesses')
@Index(['participantId', 'seq'], { unique: true })
export class AuditWitness {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 64 })
  participantId!: string;

  /** The round after which the head was witnessed. */
  @Column('varchar', { length: 64 })
  roundId!: string;

  @Column('integer')
  seq!: number;

  @Column('varchar', { length: 64 })
  hash!: string;

  /** Ed25519 over auditHeadDigest({federationId, seq, hash}), hex. */
  @Column('varchar', { length: 128 })
  signature!: string;

  @Column('bigint', { transformer: epochMs })
  witnessedAt!: number;
}
