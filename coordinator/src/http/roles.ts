import { SetMetadata } from '@nestjs/common';

/**
 * admin: federations, participants, schedules, tokens.
 * data-scientist: plans, metrics, models.
 * auditor: the audit log, and read-only access to everything.
 * viewer: status only.
 */
export const ROLES = ['admin', 'data-scientist', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'syndicate:roles';
export const PUBLIC_KEY = 'syndicate:public';

/** Roles allowed to call the endpoint. An endpoint without @Roles or @Public is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Reachable without a token (health probes, Prometheus, the API document). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Status reads: every role. */
export const ANY_ROLE: Role[] = [...ROLES];
