import type { EntityManager } from 'typeorm';
import { auditHash, GENESIS_HASH } from './audit-chain';
import { AuditEvent } from './audit-event.entity';

/** Advisory-lock key for audit appends ("SYNA"). */
const AUDIT_LOCK_KEY = 0x53594e41;

export interface AuditInput {
  actor: string;
  action: string;
  federationId?: string | null;
  subject?: string | null;
  detail?: Record<string, unknown>;
  /** Network address of the caller, when the caller knows it better than the request context; not stored. */
  peer?: string;
}

/** Appends one entry chained to the last; the caller serialises appends and supplies the transaction. */
export async function appendAuditEvent(em: EntityManager, at: number, e: AuditInput): Promise<void> {
  // Replicas (and `syndicate init`) share one chain: on PostgreSQL appends take a transaction lock, so two
  // writers never chain to the same predecessor. SQLite serialises writers by itself.
  if (em.connection.driver.options.type === 'postgres')
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
  const repo = em.getRepository(AuditEvent);
  const [last] = await repo.find({ order: { seq: 'DESC' }, take: 1 });
  const fields = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actor: e.actor,
    action: e.action,
    federationId: e.federationId ?? null,
    subject: e.subject ?? null,
    detail: JSON.stringify(e.detail ?? {}),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await repo.insert({ ...fields, prevHash, hash: auditHash(prevHash, fields) });
}
