import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { routesOf, type RouteInfo } from '../access/route-catalog';
import { ConsoleSessionsService, SESSION_COOKIE, type OpenedSession } from '../access/console-sessions.service';
import { AuditService } from '../audit/audit.service';
import { SyndicateError } from '../common/syndicate-error';
import { Actor } from '../http/actor.decorator';
import { ApiDoc } from '../http/api-doc';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Public, Roles } from '../http/roles';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { capabilitiesFor, type ConsoleSessionView } from './console-views';
import { signInBody } from './console.requests';
import { consoleSessionSchema } from './console.responses';

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
  @ApiDoc({
    summary: 'Sign in to the web console',
    description: [
      'Exchanges an API token, sent once in the JSON body, for a console session: the answer sets the',
      '`__Host-syndicate-console` cookie (HttpOnly, Secure, SameSite=Strict, at most 12 hours and never past the',
      "token's expiry) and gives the session's CSRF token, to send as `X-CSRF-Token` on every POST or DELETE made",
      'with the cookie. Needs no Authorization header, but the token in the body must be valid; a browser must',
      "call from the coordinator's own origin. A refused token is audited like any refused access.",
    ].join(' '),
    response: consoleSessionSchema,
    refusals: {
      '401': 'the token in the body is not valid (UNKNOWN_TOKEN, MALFORMED_TOKEN, TOKEN_EXPIRED, TOKEN_REVOKED)',
      '403': "the request's Origin is not the coordinator itself (ORIGIN_NOT_ALLOWED)",
      '409': null,
    },
  })
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
  @ApiDoc({
    summary: 'Show who the caller is',
    description:
      'Who the session cookie (or bearer token) stands for, its roles, what the console may offer them, and the CSRF token again: after a page reload the console has lost it and asks here.',
    response: consoleSessionSchema,
  })
  whoAmI(@Actor() actor: Principal): ConsoleSessionView {
    return this.view(actor);
  }

  @Delete()
  @HttpCode(204)
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: 'Sign out of the web console',
    description:
      'Ends the console session at once (the cookie opens nothing afterwards, on any replica) and clears the cookie; audited. Needs the session cookie and its `X-CSRF-Token`; a bearer token has no session to end (revoke the token instead).',
    response: null,
    refusals: { '400': 'called with a bearer token, not a console session (SESSION_UNKNOWN)' },
  })
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
