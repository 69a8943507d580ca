import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { routesOf, type RouteInfo } from '../access/route-catalog';
import { ConsoleSessionsService, SESSION_COOKIE, type OpenedSession } from '../access/console-sessions.service';
import { AuditService } from '../audit/audit.service';
import { SyndicateError } from '../common/syndicate-error';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Public, Roles, type Role } from '../http/roles';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { capabilitiesFor, type ConsoleCapability } from './console-views';

const signInBody = z.object({ token: z.string().min(1).max(512) }).strict();

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

/**
 * The web console's sign-in: the API token is sent once, in a JSON body over TLS, and exchanged for an
 * HttpOnly, Secure, SameSite=Strict cookie. The browser never stores the token.
 */
@Controller('v1/console/session')
export class ConsoleSessionController {
  private routes?: RouteInfo[];

  constructor(
    private readonly sessions: ConsoleSessionsService,
    private readonly modules: ModulesContainer,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  async signIn(
    @Body(new ZodBodyPipe(signInBody)) body: z.infer<typeof signInBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Headers('origin') origin?: string,
    @Headers('host') host?: string,
  ): Promise<ConsoleSessionView> {
    // A login form on another site must not sign a browser in under someone else's token.
    if (origin !== undefined && origin !== `https://${host}` && origin !== `http://${host}`)
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'ORIGIN_NOT_ALLOWED',
        `sign-in from ${origin} refused: open the console at the coordinator's own address (${host}/console)`,
      );
    let s: OpenedSession;
    try {
      s = await this.sessions.open(body.token);
    } catch (err) {
      // A wrong token at the sign-in form is a refused access like any other.
      await this.audit.record({
        actor: 'anonymous',
        action: 'access.denied',
        peer: req.ip ?? req.socket?.remoteAddress ?? 'unknown',
        detail: {
          reason: err instanceof SyndicateError ? err.reason : 'INVALID_TOKEN',
          method: 'POST',
          path: req.path,
        },
      });
      throw err;
    }
    res.cookie(SESSION_COOKIE, s.secret, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/',
      expires: new Date(s.expiresAt),
    });
    return this.view({ ...s.principal, session: { id: s.id, csrfToken: s.csrfToken, expiresAt: s.expiresAt } });
  }

  /** Who the cookie stands for, and the CSRF token again (after a reload the console has lost it). */
  @Get()
  @Roles(...ANY_ROLE)
  whoAmI(@Actor() actor: Principal): ConsoleSessionView {
    return this.view(actor);
  }

  @Delete()
  @HttpCode(204)
  @Roles(...ANY_ROLE)
  async signOut(@Actor() actor: Principal, @Res({ passthrough: true }) res: Response): Promise<void> {
    if (!actor.session)
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'SESSION_UNKNOWN',
        'no console session to sign out: this call was made with a bearer token (revoke the token instead)',
      );
    await this.sessions.close(actor.session.id, actor.tokenId);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
  }

  private view(p: Principal): ConsoleSessionView {
    this.routes ??= routesOf(this.modules);
    return {
      name: p.name,
      tokenId: p.tokenId,
      roles: p.roles,
      expiresAt: p.session?.expiresAt ?? null,
      csrfToken: p.session?.csrfToken ?? null,
      capabilities: capabilitiesFor(p.roles, this.routes),
    };
  }
}
