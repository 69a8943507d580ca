// The REST API's shapes, read from the coordinator's own declarations (type-only: nothing of the server is bundled).
export type { ConsoleSessionView } from '../../src/console/console-views';
export type { ConsoleCapability } from '../../src/console/console-views';
export type { RoundEvent } from '../../src/console/round-events.controller';
export type { RoundView } from '../../src/rounds/round-views.service';
export type { ScheduleView } from '../../src/rounds/schedule-spec';
export type { ParticipantView } from '../../src/participants/participants.responses';
export type { PendingInvitation } from '../../src/participants/pending-invitations';
export type { Invitation } from '../../src/participants/enrollment.service';
export type { AgentConnection } from '../../src/participants/agent-address';
export type { EvaluationView } from '../../src/evaluation/evaluation.service';
export type { TokenView, IssuedToken } from '../../src/access/api-tokens.service';
export type { Role } from '../../src/http/roles';
import type { AuditFields } from '../../src/audit/audit-chain';

/** GET /v1/federations items (the fields the console reads). */
export interface FederationView {
  id: string;
  name: string;
  createdAt: number;
}

/** GET /v1/federations/:id/models items. */
export interface ModelView {
  id: string;
  federationId: string;
  roundNumber: number;
  contributors: number;
  encoding: string;
  numParams: number;
  sha256: string;
  planSha256: string;
  createdAt: number;
  keyEpoch: number;
  roundKeyEpoch: number | null;
}

/** GET /v1/audit items (the fields the console reads). */
export type AuditEntry = AuditFields & { hash: string };

export type AuditVerdict = { ok: true; entries: number } | { ok: false; seq: number; problem: string };
