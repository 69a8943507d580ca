import type { Request } from 'express';
import type { Role } from './roles';

/** Who is calling the REST API; set by the access guard, read by handlers and the admin audit. */
export interface Principal {
  tokenId: string;
  name: string;
  roles: Role[];
  /** Set when the caller came through a web console session cookie rather than a bearer token. */
  session?: { id: string; csrfToken: string; expiresAt: number };
}

export type AuthenticatedRequest = Request & { principal?: Principal };
