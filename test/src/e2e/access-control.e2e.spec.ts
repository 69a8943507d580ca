import { ROLES, routeCatalog, type AdminClient, type Role, type RouteInfo } from '@syndicate/coordinator';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';

/**
 * Role-by-endpoint matrix over every REST route the application registers (found
 * from its own metadata, so a new endpoint is covered the day it is added).
 */
describe(`REST access control (${testDatabaseKind()})`, () => {
  let h: Harness;
  let routes: RouteInfo[];
  const clients = new Map<Role, AdminClient>();

  beforeAll(async () => {
    h = await startHarness('access');
    routes = routeCatalog(h.coordinator.app);
    for (const role of ROLES) clients.set(role, await h.clientWithRoles(role));
  });
  afterAll(() => h?.stop());

  const call = (r: RouteInfo, client: AdminClient = h.anonymous) =>
    client.raw(r.method, r.path.replace(/:[A-Za-z]+/g, 'x_missing'), r.method === 'GET' ? undefined : {});

  it('finds the admin API and every endpoint declares who may call it', () => {
    expect(routes.length).toBeGreaterThan(15);
    const undeclared = routes.filter((r) => !r.public && r.roles.length === 0);
    expect(undeclared).toEqual([]);
    // Only probes, metrics and the API document are public, and the console's sign-in (it takes a token in its body).
    expect(
      routes
        .filter((r) => r.public)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(['GET /healthz', 'GET /metrics', 'GET /readyz', 'POST /v1/console/session'].sort());
  });

  it('refuses unauthenticated calls with 401 on every non-public endpoint', async () => {
    for (const r of routes.filter((x) => !x.public)) {
      const res = await call(r);
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({
        route: `${r.method} ${r.path}`,
        status: 401,
      });
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses every role an endpoint does not allow with 403, and lets allowed roles through', async () => {
    for (const r of routes.filter((x) => !x.public)) {
      for (const role of ROLES) {
        const res = await call(r, clients.get(role));
        const label = `${role} ${r.method} ${r.path}`;
        if (r.roles.includes(role)) {
          // Past the guard: whatever the handler says about the dummy id or empty body, it is not an access refusal.
          expect({ label, denied: res.status === 401 || res.status === 403 }).toEqual({ label, denied: false });
        } else {
          expect({ label, status: res.status }).toEqual({ label, status: 403 });
          const body = JSON.parse(res.text) as { reason: string; detail: string };
          expect(body.reason).toBe('ROLE_NOT_ALLOWED');
          expect(body.detail).toContain(r.roles[0]);
        }
      }
    }
  });

  it('refuses unknown, malformed and revoked tokens, and audits the refusals', async () => {
    const fedList = routes.find((r) => r.method === 'GET' && r.path === '/v1/federations')!;
    expect((await call(fedList, h.admin.withToken('syn_api_not-a-real-token'))).status).toBe(401);
    expect((await call(fedList, h.admin.withToken('hunter2'))).status).toBe(401);

    const viewer = await h.admin.createToken('short-lived viewer', ['viewer']);
    expect((await call(fedList, h.admin.withToken(viewer.token))).status).toBe(200);
    await h.admin.revokeToken(viewer.id);
    const revoked = await call(fedList, h.admin.withToken(viewer.token));
    expect(revoked.status).toBe(401);
    expect((JSON.parse(revoked.text) as { reason: string }).reason).toBe('TOKEN_REVOKED');

    const denied = (await h.admin.audit())
      .filter((e) => e.action === 'access.denied')
      .map((e) => JSON.parse(e.detail) as { reason: string });
    expect(denied.map((d) => d.reason)).toEqual(
      expect.arrayContaining([
        'MISSING_TOKEN',
        'UNKNOWN_TOKEN',
        'MALFORMED_TOKEN',
        'TOKEN_REVOKED',
        'ROLE_NOT_ALLOWED',
      ]),
    );
  });

  it('serves an OpenAPI document at /docs that lists every endpoint with its roles and body schema', async () => {
    const doc = JSON.parse((await h.anonymous.raw('GET', '/docs/openapi.json')).text) as {
      paths: Record<
        string,
        Record<
          string,
          {
            'x-syndicate-roles': string[];
            security: unknown[];
            requestBody?: {
              content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }>;
            };
          }
        >
      >;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
    for (const r of routes) {
      const op = doc.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect({ route: `${r.method} ${r.path}`, roles: op?.['x-syndicate-roles'] }).toEqual({
        route: `${r.method} ${r.path}`,
        roles: r.roles,
      });
    }
    const schedule =
      doc.paths['/v1/federations/{federationId}/schedules'].post.requestBody!.content['application/json'].schema;
    expect(Object.keys(schedule.properties ?? {})).toEqual(
      expect.arrayContaining(['cron', 'timeZone', 'windowMinutes', 'rounds', 'onQuorumMissed']),
    );
    expect(schedule.required).toEqual(expect.arrayContaining(['cron', 'windowMinutes', 'rounds']));
    const ui = await h.anonymous.raw('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('records who did each admin action', async () => {
    const issued = await h.admin.createToken('audited admin', ['admin']);
    const admin = h.admin.withToken(issued.token);
    const f = await admin.createFederation({
      name: 'audited-admin',
      schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
      model: { template: 'logistic_regression' },
      aggregation: { mode: 'plaintext' },
    });
    await admin.invite(f.id, 'Bank A');
    const entries = (await h.admin.audit({ federationId: f.id }))
      .filter((e) => e.actor === issued.id)
      .map((e) => e.action);
    expect(entries).toEqual(['federation.created', 'participant.invited']);
    // Tokens never appear in the audit log, only their ids.
    expect(JSON.stringify(await h.admin.audit())).not.toMatch(/syn_api_[A-Za-z0-9_-]{20,}/);
  });
});
