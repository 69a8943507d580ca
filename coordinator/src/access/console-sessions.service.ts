import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import type { Principal } from '../http/principal';
import { ApiTokensService } from './api-tokens.service';
import { ConsoleSession } from './console-session.entity';

/** `__Host-`: the browser only accepts it Secure, for the whole origin and never for a parent domain. */
export const SESSION_COOKIE = '__Host-syndicate-console';
/** A session never outlives its token, and a forgotten browser tab does not keep one open for ever. */
export const MAX_SESSION_MS = 12 * 3600 * 1000;
/** How long an ended session's row stays (the audit log keeps its sign-in and sign-out for ever). */
const KEEP_ENDED_MS = 30 * 24 * 3600 * 1000;

export interface OpenedSession {
  /** The cookie value: shown to the browser once, stored hashed. */
  secret: string;
  id: string;
  csrfToken: string;
  expiresAt: number;
  principal: Principal;
}

export interface ResolvedSession {
  id: string;
  csrfToken: string;
  expiresAt: number;
  principal: Principal;
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Same length and content, in constant time: the CSRF token check must not leak it byte by byte. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Exchanges an API token for a console session once, and resolves the session cookie on every call. */
@Injectable()
export class ConsoleSessionsService {
  constructor(
    @InjectRepository(ConsoleSession) private readonly repo: Repository<ConsoleSession>,
    private readonly tokens: ApiTokensService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async open(token: string): Promise<OpenedSession> {
    const principal = await this.tokens.authenticate(token);
    const { expiresAt: tokenExpiry } = await this.tokens.authenticateId(principal.tokenId);
    const now = this.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const row = Object.assign(new ConsoleSession(), {
      id: newId('ses'),
      secretSha256: sha256Hex(secret),
      tokenId: principal.tokenId,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now,
      expiresAt: Math.min(now + MAX_SESSION_MS, tokenExpiry ?? Number.MAX_SAFE_INTEGER),
      revokedAt: null,
    });
    await this.repo.manager.transaction(async (em) => {
      // Ended sessions are kept a while for inspection, then go: sign-ins are what bounds the table.
      await em.getRepository(ConsoleSession).delete({ expiresAt: LessThan(now - KEEP_ENDED_MS) });
      await em.getRepository(ConsoleSession).insert(row);
      await this.audit.recordIn(em, {
        actor: principal.tokenId,
        action: 'console.signed_in',
        subject: row.id,
        detail: { expiresAt: row.expiresAt },
      });
    });
    return { secret, id: row.id, csrfToken: row.csrfToken, expiresAt: row.expiresAt, principal };
  }

  /** The session behind a cookie, or why it is unusable; the token it stands for is checked again too. */
  async resolve(secret: string): Promise<ResolvedSession> {
    const row = await this.repo.findOne({ where: { secretSha256: sha256Hex(secret) } });
    if (!row)
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'SESSION_UNKNOWN',
        'the console session is not known to this coordinator: sign in again with an API token',
      );
    if (row.revokedAt !== null)
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'SESSION_REVOKED',
        `console session ${row.id} was signed out: sign in again with an API token`,
      );
    if (row.expiresAt <= this.clock.now())
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'SESSION_EXPIRED',
        `console session ${row.id} expired at ${new Date(row.expiresAt).toISOString()}: sign in again`,
      );
    const { tokenId, name, roles } = await this.tokens.authenticateId(row.tokenId);
    return { id: row.id, csrfToken: row.csrfToken, expiresAt: row.expiresAt, principal: { tokenId, name, roles } };
  }

  /**
   * For long-lived answers (the live round's event stream): is the caller, checked at connect time, still
   * allowed? Throws with the reason once its token is revoked or expired, or its session ended.
   */
  async assertStillValid(p: Principal): Promise<void> {
    await this.tokens.authenticateId(p.tokenId);
    if (!p.session) return;
    const row = await this.repo.findOne({ where: { id: p.session.id } });
    if (!row || row.revokedAt !== null)
      throw new SyndicateError('UNAUTHENTICATED', 'SESSION_REVOKED', `console session ${p.session.id} was signed out`);
    if (row.expiresAt <= this.clock.now())
      throw new SyndicateError('UNAUTHENTICATED', 'SESSION_EXPIRED', `console session ${p.session.id} expired`);
  }

  /** Signs the session out: its cookie is refused from now on, on every replica (the row is shared). */
  async close(id: string, actor: string): Promise<void> {
    await this.repo.manager.transaction(async (em) => {
      const r = await em
        .getRepository(ConsoleSession)
        .update({ id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      if (r.affected) await this.audit.recordIn(em, { actor, action: 'console.signed_out', subject: id });
    });
  }
}
