import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { SyndicateError } from '../common/syndicate-error';
import { ApiTokensService } from './api-tokens.service';
import type { AuthenticatedRequest, Principal } from '../http/principal';
import { PUBLIC_KEY, ROLES_KEY, type Role } from '../http/roles';

export type { AuthenticatedRequest };

/**
 * Every REST endpoint is closed unless it names its roles (@Roles) or is @Public.
 * Refusals are audited: a 401 or 403 on an admin API is worth a regulator's look.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const where = { method: req.method, path: req.path };
    const peer = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="syndicate"');
      await this.audit.record({
        actor: 'anonymous',
        action: 'access.denied',
        peer,
        detail: { reason: 'MISSING_TOKEN', ...where },
      });
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'MISSING_TOKEN',
        'this endpoint needs an API token: send "Authorization: Bearer <token>" (syndicate CLI: --token or SYNDICATE_TOKEN)',
      );
    }
    let principal: Principal;
    try {
      principal = await this.tokens.authenticate(match[1]);
    } catch (err) {
      ctx
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('WWW-Authenticate', 'Bearer realm="syndicate", error="invalid_token"');
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
}
