import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { SyndicateError } from '../common/syndicate-error';
import { ApiTokensService } from './api-tokens.service';
import { ConsoleSessionsService, SESSION_COOKIE, sameSecret } from './console-sessions.service';
import { readCookie } from './read-cookie';
import type { AuthenticatedRequest, Principal } from '../http/principal';
import { PUBLIC_KEY, ROLES_KEY, type Role } from '../http/roles';

export type { AuthenticatedRequest };

/** Methods that change nothing; everything else sent with a session cookie must carry its CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every REST endpoint is closed unless it names its roles (@Roles) or is @Public.
 * A caller is a bearer token, or a web console session cookie standing for one (see ConsoleSessionsService).
 * Refusals are audited: a 401 or 403 on an admin API is worth a regulator's look.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly sessions: ConsoleSessionsService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const where = { method: req.method, path: req.path };
    const peer = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    let principal: Principal;
    try {
      principal = await this.identify(req, res);
    } catch (err) {
      await this.audit.record({
        actor: 'anonymous',
        action: 'access.denied',
        peer,
        detail: { reason: err instanceof SyndicateError ? err.reason : 'INVALID_TOKEN', ...where },
      });
      throw err;
    }
    if (!principal.roles.some((r) => allowed.includes(r))) {
      await this.audit.record({
        actor: principal.tokenId,
        action: 'access.denied',
        peer,
        detail: { reason: 'ROLE_NOT_ALLOWED', roles: principal.roles, ...where },
      });
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'ROLE_NOT_ALLOWED',
        allowed.length
          ? `${req.method} ${req.path} needs one of the roles ${allowed.join(', ')}; token ${principal.tokenId} (${principal.name}) has ${principal.roles.join(', ')}`
          : `${req.method} ${req.path} is not open to any role`,
      );
    }
    req.principal = principal;
    return true;
  }

  /** The bearer token wins when both are sent: scripts never depend on a browser's cookies. */
  private async identify(req: AuthenticatedRequest, res: Response): Promise<Principal> {
    const header = req.headers.authorization;
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (header === undefined && cookie !== undefined) {
      const session = await this.sessions.resolve(cookie);
      // SameSite=Strict already keeps other sites' requests cookie-less; the token is the second lock.
      const sent = req.headers['x-csrf-token'];
      if (!SAFE_METHODS.has(req.method) && !(typeof sent === 'string' && sameSecret(sent, session.csrfToken)))
        throw new SyndicateError(
          'PERMISSION_DENIED',
          'CSRF_TOKEN_MISMATCH',
          `${req.method} ${req.path} with a console session needs the session's X-CSRF-Token header (the console sends it; reload the page)`,
        );
      return {
        ...session.principal,
        session: { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      };
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="syndicate"');
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'MISSING_TOKEN',
        'this endpoint needs an API token: send "Authorization: Bearer <token>" (syndicate CLI: --token or SYNDICATE_TOKEN)',
      );
    }
    try {
      return await this.tokens.authenticate(match[1]);
    } catch (err) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="syndicate", error="invalid_token"');
      throw err;
    }
  }
}
