import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { AuditService } from '../audit/audit.service';
import { AuditEvent } from '../audit/audit-event.entity';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { MetricsService } from '../metrics/metrics.service';
import { ApiTokensService } from './api-tokens.service';
import { ConsoleSession } from './console-session.entity';
import { ConsoleSessionsService, MAX_SESSION_MS, sameSecret } from './console-sessions.service';
import { ApiToken } from './api-token.entity';

describe('ConsoleSessionsService', () => {
  let db: DataSource;
  let now: number;
  let tokens: ApiTokensService;
  let sessions: ConsoleSessionsService;
  const clock: Clock = { now: () => now };

  beforeEach(async () => {
    now = 1_700_000_000_000;
    db = new DataSource(dataSourceOptions('sqlite::memory:'));
    await db.initialize();
    await db.runMigrations();
    const metrics = { count: () => undefined } as unknown as MetricsService;
    const log = { error: () => undefined } as unknown as Logger;
    const audit = new AuditService(db, clock, metrics, log);
    tokens = new ApiTokensService(db.getRepository(ApiToken), clock, audit);
    sessions = new ConsoleSessionsService(db.getRepository(ConsoleSession), tokens, clock, audit);
  });
  afterEach(() => db.destroy());

  it('stores only a hash of the cookie secret, and resolves the secret to the token holder', async () => {
    const t = await tokens.create({ name: 'ops', roles: ['admin'] }, 'init');
    const s = await sessions.open(t.token);
    const [row] = await db.getRepository(ConsoleSession).find();
    expect(JSON.stringify(row)).not.toContain(s.secret);
    expect(JSON.stringify(row)).not.toContain(t.token);
    expect(row.tokenId).toBe(t.id);
    const resolved = await sessions.resolve(s.secret);
    expect(resolved.principal).toEqual({ tokenId: t.id, name: 'ops', roles: ['admin'] });
    expect(resolved.csrfToken).toBe(s.csrfToken);
    expect(resolved.csrfToken).not.toBe(s.secret);
    const actions = (await db.getRepository(AuditEvent).find()).map((e) => [e.action, e.actor, e.subject]);
    expect(actions).toContainEqual(['console.signed_in', t.id, s.id]);
  });

  it('refuses a bad token at sign-in with the token check’s own reason', async () => {
    await expect(sessions.open('syn_api_nope')).rejects.toMatchObject({ reason: 'UNKNOWN_TOKEN' });
    await expect(sessions.open('hunter2')).rejects.toMatchObject({ reason: 'MALFORMED_TOKEN' });
    expect(await db.getRepository(ConsoleSession).count()).toBe(0);
  });

  it('never outlives its token, and lasts at most MAX_SESSION_MS otherwise', async () => {
    const short = await tokens.create({ name: 'short', roles: ['viewer'], ttlSeconds: 600 }, 'init');
    const long = await tokens.create({ name: 'long', roles: ['viewer'] }, 'init');
    expect((await sessions.open(short.token)).expiresAt).toBe(now + 600_000);
    const s = await sessions.open(long.token);
    expect(s.expiresAt).toBe(now + MAX_SESSION_MS);
    now += MAX_SESSION_MS;
    await expect(sessions.resolve(s.secret)).rejects.toMatchObject({ reason: 'SESSION_EXPIRED' });
    // A month later the ended rows are gone; the new session stays.
    now += 31 * 24 * 3600 * 1000;
    const fresh = await sessions.open(long.token);
    expect((await db.getRepository(ConsoleSession).find()).map((r) => r.id)).toEqual([fresh.id]);
  });

  it('ends at sign-out and when its token is revoked, and knows no made-up cookie', async () => {
    const t = await tokens.create({ name: 'ops', roles: ['admin'] }, 'init');
    const a = await sessions.open(t.token);
    const b = await sessions.open(t.token);
    const holder = (o: { id: string; csrfToken: string; expiresAt: number }) => ({
      ...(o === a ? a.principal : b.principal),
      session: { id: o.id, csrfToken: o.csrfToken, expiresAt: o.expiresAt },
    });
    await expect(sessions.assertStillValid(holder(a))).resolves.toBeUndefined();
    await sessions.close(a.id, t.id);
    await sessions.close(a.id, t.id); // twice: audited once
    // A stream opened before the sign-out learns of it on its next look.
    await expect(sessions.assertStillValid(holder(a))).rejects.toMatchObject({ reason: 'SESSION_REVOKED' });
    await expect(sessions.assertStillValid(holder(b))).resolves.toBeUndefined();
    await expect(sessions.resolve(a.secret)).rejects.toMatchObject({ reason: 'SESSION_REVOKED' });
    expect((await sessions.resolve(b.secret)).id).toBe(b.id);
    await tokens.revoke(t.id, 'init');
    await expect(sessions.resolve(b.secret)).rejects.toMatchObject({ reason: 'TOKEN_REVOKED' });
    await expect(sessions.assertStillValid(holder(b))).rejects.toMatchObject({ reason: 'TOKEN_REVOKED' });
    await expect(sessions.resolve('made-up')).rejects.toMatchObject({ reason: 'SESSION_UNKNOWN' });
    const signedOut = (await db.getRepository(AuditEvent).find()).filter((e) => e.action === 'console.signed_out');
    expect(signedOut.map((e) => e.subject)).toEqual([a.id]);
  });

  it('compares CSRF tokens by content and length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'a')).toBe(false);
  });
});
