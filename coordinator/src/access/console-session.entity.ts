import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/**
 * A web console session: what a browser holds instead of the API token it signed in with.
 * Only the SHA-256 of the cookie's secret is stored, so a copy of the database opens no session.
 */
@Entity('console_sessions')
export class ConsoleSession {
  /** Public id (`ses_...`): named in the audit log, never a credential. */
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64, unique: true })
  secretSha256!: string;

  /** The API token the session was exchanged for; its revocation or expiry ends the session. */
  @Index('IDX_console_sessions_tokenId')
  @Column('varchar', { length: 64 })
  tokenId!: string;

  /** Sent back in X-CSRF-Token on every change; useless without the cookie, which scripts cannot read. */
  @Column('varchar', { length: 64 })
  csrfToken!: string;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;

  @Column('bigint', { transformer: epochMs })
  expiresAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  revokedAt!: number | null;
}
