import { ApiTokensService, AuditService, type AuditEntryView } from '@syndicate/coordinator';
import { CoordinatorClient, newKeyMaterial } from '@syndicate/participant';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { setAuditInserts, countRows, sqlRows } from '../support/sql';

const plan = (name: string): TrainingPlanInput => ({
  name,
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
});

/** Subscribe as an unauthenticated caller naming a huge participant and federation id; resolves on the refusal. */
function hostileSubscribe(h: Harness, i: number): Promise<void> {
  const client = new CoordinatorClient({
    coordinator: h.grpcAddress,
    transport: h.transport,
    federationId: `f${i}`.padEnd(200_000, 'f'),
    participantId: `p${i}`.padEnd(1_000_000, 'x'),
    keyEpoch: 0,
    planJson: '{}',
    ...newKeyMaterial(),
  });
  return new Promise((resolve, reject) => {
    const stream = client.subscribe('hostile');
    const timer = setTimeout(() => reject(new Error(`hostile Subscribe ${i} got no refusal within 20 s`)), 20_000);
    stream.on('data', () => undefined);
    stream.on('error', (err: { code?: number }) => {
      clearTimeout(timer);
      client.close();
      // UNAUTHENTICATED: refused for what it is, not for the size of what it sent.
      if (err.code === 16) resolve();
      else reject(new Error(`hostile Subscribe ${i} ended with gRPC code ${err.code}`));
    });
  });
}

describe(`audit log hardening (${testDatabaseKind()})`, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('audit-hardening');
  });
  afterEach(() => h?.stop());

  it('fails closed: with audit inserts failing, no token, federation or invitation is created, and nothing is left behind', async () => {
    const existing = await h.admin.createFederation(plan('before'));
    const before = {
      federations: await countRows(h.databaseUrl, 'federations'),
      tokens: await countRows(h.databaseUrl, 'api_tokens'),
      invitations: await countRows(h.databaseUrl, 'enrollment_tokens'),
      models: await countRows(h.databaseUrl, 'model_versions'),
    };
    await setAuditInserts(h.databaseUrl, 'failing');
    try {
      await expect(h.admin.createFederation(plan('unaudited'))).rejects.toThrow();
      await expect(
        h.coordinator.app.get(ApiTokensService).create({ name: 'unaudited', roles: ['admin'] }, 'test'),
      ).rejects.toThrow(/audit disabled by test/);
      await expect(h.admin.invite(existing.id, 'bank-unaudited')).rejects.toThrow();
      expect({
        federations: await countRows(h.databaseUrl, 'federations'),
        tokens: await countRows(h.databaseUrl, 'api_tokens'),
        invitations: await countRows(h.databaseUrl, 'enrollment_tokens'),
        models: await countRows(h.databaseUrl, 'model_versions'),
      }).toEqual(before);
    } finally {
      await setAuditInserts(h.databaseUrl, 'working');
    }
    // Positive control: with the audit log writable, the same actions happen, each with its entry.
    const f = await h.admin.createFederation(plan('unaudited'));
    await h.coordinator.app.get(ApiTokensService).create({ name: 'audited', roles: ['admin'] }, 'test');
    await h.admin.invite(existing.id, 'bank-audited');
    const actions = (await h.admin.audit()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['federation.created', 'token.created', 'participant.invited']));
    expect((await h.admin.audit()).find((e) => e.action === 'federation.created' && e.subject === f.id)).toBeDefined();
  });

  it('bounds what unauthenticated callers write, and counts a flood of refusals instead of recording each', async () => {
    const sizeBefore = await auditBytes(h.databaseUrl);
    const calls = 30;
    for (let i = 0; i < calls; i++) await hostileSubscribe(h, i);
    const refused = (await h.admin.audit({ limit: 10_000 })).filter(
      (e: AuditEntryView) => e.action === 'message.rejected',
    );
    // Positive control: refusals are audited, with the caller's id cut to the column width.
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e.actor.length).toBeLessThanOrEqual(64);
      expect(e.actor).toMatch(/^p\d+x+$/);
      // The federation id went straight from the request to the audit call: bounded by the audit service itself.
      expect(e.federationId).toMatch(/^f\d+f+…\(200000 chars\)$/);
      expect(e.federationId!.length).toBe(64);
    }
    // 30 calls with 1.2 MB of ids each (36 MB) left a few kilobytes per entry at most.
    expect((await auditBytes(h.databaseUrl)) - sizeBefore).toBeLessThan(refused.length * 2048);
    // The allowance (20 per peer and kind per minute) was recorded; the rest were counted...
    expect(refused).toHaveLength(20);
    const metrics = await h.admin.metrics();
    expect(metrics).toMatch(/syndicate_audit_refusals_suppressed_total\{action="message\.rejected"\} 10/);
    // ...and summarised in one entry per peer and kind when the interval ends (forced here).
    await h.coordinator.app.get(AuditService).flushSummaries(true);
    const summaries = (await h.admin.audit({ limit: 10_000 })).filter((e) => e.action === 'audit.refusals_suppressed');
    expect(summaries).toHaveLength(1);
    expect(JSON.parse(summaries[0].detail)).toMatchObject({
      suppressed: 10,
      refusals: { 'message.rejected:UNKNOWN_PARTICIPANT': 10 },
    });
    expect((await h.admin.raw('GET', '/v1/audit/verify')).text).toContain('"ok":true');
  });

  it('validates paging (400 for a bad limit, a hard maximum) and answers an oversized body with 413', async () => {
    for (const bad of ['-1', 'abc', '0', '10001', '1.5']) {
      const res = await h.admin.raw('GET', `/v1/audit?limit=${bad}`);
      expect({ limit: bad, status: res.status }).toEqual({ limit: bad, status: 400 });
      const body = JSON.parse(res.text) as { reason: string; detail: string };
      expect(body.reason).toBe('BAD_PAGING');
      expect(body.detail).toMatch(/limit=.* must be a whole number from 1 to 10000/);
    }
    expect((await h.admin.raw('GET', '/v1/audit?after=x')).status).toBe(400);
    // Positive control: a valid page is served, and no longer than asked.
    const page = await h.admin.raw('GET', '/v1/audit?limit=2');
    expect(page.status).toBe(200);
    expect((JSON.parse(page.text) as unknown[]).length).toBeLessThanOrEqual(2);

    const big = await h.admin.raw('POST', '/v1/federations', {
      plan: plan('big'),
      padding: 'x'.repeat(6 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ status: 413, reason: 'BODY_TOO_LARGE' });
    const ok = await h.admin.raw('POST', '/v1/federations', { plan: plan('small') });
    expect(ok.status).toBe(201);
  });
});

async function auditBytes(databaseUrl: string): Promise<number> {
  const rows = await sqlRows<{ n: number | string | null }>(
    databaseUrl,
    "SELECT SUM(LENGTH(actor) + LENGTH(COALESCE(\"federationId\", '')) + LENGTH(COALESCE(subject, '')) + LENGTH(detail)) AS n FROM audit_events",
  );
  return Number(rows[0].n ?? 0);
}
