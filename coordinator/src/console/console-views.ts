import type { RouteInfo } from '../access/route-catalog';
import type { Role } from '../http/roles';

/**
 * What the console can show or do, each tied to the REST route it calls: the console offers a view or an
 * action exactly when the API's own role declarations admit the signed-in token (the server refuses the
 * call anyway). Keys are what the UI asks for; values are `METHOD /path` as the route catalog spells them.
 */
export const CONSOLE_CAPABILITIES = {
  overview: 'GET /v1/federations',
  liveRound: 'GET /v1/console/federations/:federationId/round-events',
  schedules: 'GET /v1/federations/:federationId/schedules',
  'schedules.create': 'POST /v1/federations/:federationId/schedules',
  'schedules.control': 'POST /v1/schedules/:id/pause',
  members: 'GET /v1/federations/:federationId/participants',
  'members.invite': 'POST /v1/federations/:federationId/invitations',
  'members.invitations': 'GET /v1/federations/:federationId/invitations',
  'members.revoke': 'POST /v1/federations/:federationId/participants/:participantId/revoke',
  models: 'GET /v1/federations/:federationId/models',
  'models.evaluation': 'GET /v1/models/:id/evaluation',
  'models.export': 'GET /v1/models/:id/export/weights.json',
  audit: 'GET /v1/audit',
  'audit.verify': 'GET /v1/audit/verify',
  tokens: 'GET /v1/tokens',
  'tokens.create': 'POST /v1/tokens',
  'tokens.revoke': 'POST /v1/tokens/:id/revoke',
} as const;

export type ConsoleCapability = keyof typeof CONSOLE_CAPABILITIES;

/** Who a console session (or a bearer token) stands for, and what the console may offer it. */
export interface ConsoleSessionView {
  name: string;
  tokenId: string;
  roles: Role[];
  /** When the session ends (null: the caller used a bearer token, not a session). */
  expiresAt: number | null;
  /** Sent back as X-CSRF-Token on every change; the console keeps it in memory only (null for a bearer token). */
  csrfToken: string | null;
  /** What this session may see and do, from the REST API's own role declarations. */
  capabilities: ConsoleCapability[];
}

/** The capabilities these roles hold, read from the routes' declarations (a capability whose route is gone is off). */
export function capabilitiesFor(roles: Role[], routes: RouteInfo[]): ConsoleCapability[] {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (Object.keys(CONSOLE_CAPABILITIES) as ConsoleCapability[]).filter((c) => {
    const route = byKey.get(CONSOLE_CAPABILITIES[c]);
    return route !== undefined && (route.public || route.roles.some((r) => roles.includes(r)));
  });
}
