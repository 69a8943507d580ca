import { createHash } from 'crypto';

export interface AuditFields {
  seq: number;
  at: number;
  actor: string;
  action: string;
  federationId: string | null;
  subject: string | null;
  detail: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Each entry's hash covers its fields and the previous hash: editing, removing or reordering breaks the chain. */
export function auditHash(prevHash: string, e: AuditFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(JSON.stringify([e.seq, e.at, e.actor, e.action, e.federationId, e.subject, e.detail]))
    .digest('hex');
}

/** The first entry (by position) that does not chain, with why; null when the log is intact. */
export function verifyAuditChain(
  entries: (AuditFields & { prevHash: string; hash: string })[],
): { seq: number; problem: string } | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.seq !== i + 1) return { seq: i + 1, problem: `entry ${i + 1} is missing (found ${e.seq} in its place)` };
    if (e.prevHash !== prev)
      return { seq: e.seq, problem: `entry ${e.seq} does not follow entry ${e.seq - 1} (removed or reordered)` };
    if (auditHash(prev, e) !== e.hash) return { seq: e.seq, problem: `entry ${e.seq} was edited after it was written` };
    prev = e.hash;
  }
  return null;
}
