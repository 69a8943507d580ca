import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Response } from 'express';
import { z } from 'zod';
import { routesOf, type RouteInfo } from '../access/route-catalog';
import { ConsoleSessionsService, SESSION_COOKIE } from '../access/console-sessions.service';
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
  expiresAt: number;
  /** Sent back as X-CSRF-Token on every change; the console keeps it in memory only. */
  csrfToken: string;
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
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  async signIn(
    @Body(new ZodBodyPipe(signInBody)) body: z.infer<typeof signInBody>,
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
    const s = await this.sessions.open(body.token);
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
    if (!p.session)
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'SESSION_UNKNOWN',
        'this endpoint describes a console session: sign in at /console (a bearer token has no session)',
      );
    this.routes ??= routesOf(this.modules);
    return {
      name: p.name,
      tokenId: p.tokenId,
      roles: p.roles,
      expiresAt: p.session.expiresAt,
      csrfToken: p.session.csrfToken,
      capabilities: capabilitiesFor(p.roles, this.routes),
    };
  }
}
