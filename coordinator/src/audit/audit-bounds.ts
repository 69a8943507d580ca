import { createHash } from 'crypto';
import type { AuditInput } from './audit-append';

/** Column width of actor, action, federation and subject (varchar(64)). */
export const AUDIT_ID_MAX = 64;
/** Longest string kept whole inside `detail`: room for an Ed25519 signature in hex (128) and a message. */
export const AUDIT_STRING_MAX = 512;
/** Largest `detail` kept as is; beyond this only its size and hash are recorded. */
export const AUDIT_DETAIL_MAX = 16 * 1024;

/** Cuts a string to `max` characters, saying how long it was so the entry stays honest about it. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const note = `…(${s.length} chars)`;
  return s.slice(0, Math.max(0, max - note.length)) + note;
}

function clipDeep(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return clip(v, AUDIT_STRING_MAX);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 6) return '[nested too deep]';
  if (Array.isArray(v)) return v.slice(0, 256).map((x) => clipDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v).slice(0, 64)) out[clip(k, AUDIT_ID_MAX)] = clipDeep(x, depth + 1);
  return out;
}

/**
 * Bounds every field an entry carries. Callers pass ids straight from unauthenticated requests:
 * unbounded, ten of them wrote 30 MB into SQLite and made PostgreSQL refuse the insert (so the refusal
 * went unaudited). Bounding here covers every call site at once.
 */
export function boundAuditInput(e: AuditInput): AuditInput {
  const id = (s: string | null | undefined) => (s == null ? s : clip(String(s), AUDIT_ID_MAX));
  let detail = clipDeep(e.detail ?? {}, 0) as Record<string, unknown>;
  const json = JSON.stringify(detail);
  if (json.length > AUDIT_DETAIL_MAX)
    detail = {
      truncated: true,
      bytes: json.length,
      sha256: createHash('sha256').update(json).digest('hex'),
      reason: detail.reason,
    };
  return {
    actor: id(e.actor) as string,
    action: id(e.action) as string,
    federationId: id(e.federationId),
    subject: id(e.subject),
    detail,
  };
}
