import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** An API token for people and scripts; only its SHA-256 is stored, the token is shown once. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 128 })
  name!: string;

  /** Comma-separated roles. */
  @Column('varchar', { length: 128 })
  roles!: string;

  @Column('varchar', { length: 64, unique: true })
  tokenSha256!: string;

  /** Who created it: a token id, or `init` for the bootstrap admin token. */
  @Column('varchar', { length: 64 })
  createdBy!: string;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  expiresAt!: number | null;

  @Column('bigint', { transformer: epochMs, nullable: true })
  revokedAt!: number | null;

  @Column('bigint', { transformer: epochMs, nullable: true })
  lastUsedAt!: number | null;
}
