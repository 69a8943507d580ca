import { quorumProblem, SECURE_QUORUM_MIN } from '@syndicate/protocol';
import type { AuditService } from '../audit/audit.service';
import { SyndicateError } from '../common/syndicate-error';

export interface QuorumRequest {
  mode: 'plaintext' | 'secure';
  value: number;
  /** How the caller named the field (`minParticipants`, `rounds.minParticipants`). */
  field: string;
  actor: string;
  /** The refused admin action, named in the `quorum.rejected` audit entry. */
  action: 'federation.create' | 'round.open' | 'schedule.create';
  federationId?: string;
}

/**
 * Refuses a quorum a secure federation must not run with (below 3), audited like every refused
 * admin action, and says which field, what value, the minimum and how to fix it. Plaintext passes.
 */
export async function refuseSmallQuorum(audit: AuditService, q: QuorumRequest): Promise<void> {
  const problem = quorumProblem(q.mode, q.value, q.field);
  if (!problem) return;
  await audit.record({
    actor: q.actor,
    action: 'quorum.rejected',
    federationId: q.federationId ?? null,
    detail: {
      reason: 'QUORUM_TOO_SMALL',
      attempted: q.action,
      field: q.field,
      value: q.value,
      minimum: SECURE_QUORUM_MIN,
    },
  });
  throw new SyndicateError('INVALID_ARGUMENT', 'QUORUM_TOO_SMALL', problem);
}
