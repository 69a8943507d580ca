import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** One-time token; only its SHA-256 is stored, the token itself is shown once. */
@Entity('enrollment_tokens')
export class EnrollmentToken {
  @PrimaryColumn('varchar', { length: 64 })
  tokenSha256!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  /** Name the bank will appear under; fixed at invitation. */
  @Column('varchar', { length: 128 })
  displayName!: string;

  @Column('bigint', { transformer: epochMs })
  expiresAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  usedAt!: number | null;

  @Column('varchar', { length: 64, nullable: true })
  participantId!: string | null;
}
