import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** One entry of the append-only, hash-chained audit log. */
@Entity('audit_events')
export class AuditEvent {
  /** 1, 2, 3, ... with no gaps: a missing number is a removed entry. */
  @PrimaryColumn('integer')
  seq!: number;

  @Column('bigint', { transformer: epochMs })
  at!: number;

  /** Participant id, or `system`. */
  @Column('varchar', { length: 64 })
  actor!: string;

  @Column('varchar', { length: 64 })
  action!: string;

  @Column('varchar', { length: 64, nullable: true })
  federationId!: string | null;

  /** What the action was about: a round, a model version, a key epoch. */
  @Column('varchar', { length: 64, nullable: true })
  subject!: string | null;

  /** JSON object: reason codes, payload hashes, signatures. Never payloads or keys. */
  @Column('text')
  detail!: string;

  @Column('varchar', { length: 64 })
  prevHash!: string;

  @Column('varchar', { length: 64 })
  hash!: string;
}
