import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

export type ParticipantStatus = 'active' | 'revoked';

@Entity('participants')
@Index(['federationId', 'displayName'], { unique: true })
export class Participant {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  federationId!: string;

  @Column('varchar', { length: 128 })
  displayName!: string;

  /** Ed25519 public key, hex. */
  @Column('varchar', { length: 64, unique: true })
  signingPublicKey!: string;

  /** X25519 public key, hex. */
  @Column('varchar', { length: 64 })
  boxPublicKey!: string;

  /** The signing key's Ed25519 signature over the box key, hex; null for members enrolled before it existed. */
  @Column('varchar', { length: 128, nullable: true })
  boxKeySignature!: string | null;

  @Column('varchar', { length: 16, default: 'active' })
  status!: ParticipantStatus;

  @Column('bigint', { transformer: epochMs })
  enrolledAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  lastSeenAt!: number | null;

  /** SHA-256 of the client certificate (DER) it enrolled over, hex; null without mutual TLS. */
  @Column('varchar', { length: 64, nullable: true })
  clientCertSha256!: string | null;
}
