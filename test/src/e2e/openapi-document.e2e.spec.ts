import SwaggerParser from '@apidevtools/swagger-parser';
// OpenAPI 3.1 schemas are JSON Schema 2020-12.
import Ajv from 'ajv/dist/2020';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import type { OpenAPIV3_1 } from 'openapi-types';
import { routeCatalog, type RouteInfo } from '@syndicate/coordinator';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { lightSecureRound } from '../support/light-secure-round';
import { runCli } from '../support/cli-run';
import { testPki } from '../support/test-pki';

const plan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

type Method = 'GET' | 'POST' | 'DELETE';
/** One answer as the test reads it; `text` holds only the first event of an event stream. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * A call as a browser with a console session makes it (cookie, CSRF token) over the harness's TLS.
 * An event stream is read up to its first event, then closed.
 */
async function browserCall(baseUrl: string, method: Method, url: string, headers: Record<string, string>) {
  const ca = fs.readFileSync((await testPki()).caCert);
  return new Promise<Answer>((resolve, reject) => {
    const req = https.request(`${baseUrl}${url}`, { method, headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const done = () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          text,
        });
      res.on('data', (chunk: string) => {
        text += chunk;
        if (res.headers['content-type']?.startsWith('text/event-stream') && text.includes('\n\n')) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The data of the first `round` event of a server-sent event stream. */
function firstEventData(stream: string): unknown {
  const [event] = stream.split('\n\n');
  const lines = event.split('\n');
  expect(lines).toContain('event: round');
  return JSON.parse(
    lines
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice('data: '.length))
      .join('\n'),
  ) as unknown;
}

const BARE_VERBS = /^(list|get|create|read|show|update|delete|open|cancel|revoke|invite|pause|resume|verify|export)$/i;

/**
 * The document clients are generated from: valid OpenAPI, every operation described, and every
 * response schema true to what the live coordinator answers.
 */
describe(`OpenAPI document (${testDatabaseKind()})`, () => {
  let h: Harness;
  let routes: RouteInfo[];
  let served: OpenAPIV3_1.Document;
  /** Every $ref resolved, for validating bodies with ajv. */
  let resolved: OpenAPIV3_1.Document;
  const checked = new Set<string>();

  beforeAll(async () => {
    h = await startHarness('openapi');
    routes = routeCatalog(h.coordinator.app);
    const res = await h.anonymous.raw('GET', '/docs/openapi.json');
    expect(res.status).toBe(200);
    served = JSON.parse(res.text) as OpenAPIV3_1.Document;
    resolved = (await SwaggerParser.dereference(structuredClone(served))) as OpenAPIV3_1.Document;
  });
  afterAll(() => h?.stop());

  const operation = (doc: OpenAPIV3_1.Document, r: RouteInfo) =>
    doc.paths![r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase() as OpenAPIV3_1.HttpMethods];

  it('is a valid OpenAPI 3 document by an OpenAPI validator', async () => {
    // validate() throws, naming the offending pointer, on any structural or schema error.
    await expect(SwaggerParser.validate(structuredClone(served))).resolves.toBeDefined();
    expect(served.openapi).toBe('3.1.0');
  });

  it('describes every route: a real summary, who may call it, and a schema for every success body', () => {
    expect(routes.length).toBeGreaterThan(30);
    const faults: string[] = [];
    for (const r of routes) {
      const label = `${r.method} ${r.path}`;
      const op = operation(served, r);
      if (!op) {
        faults.push(`${label}: missing from the document`);
        continue;
      }
      if (!r.doc) faults.push(`${label}: no @ApiDoc`);
      const summary = op.summary ?? '';
      if (BARE_VERBS.test(summary) || summary.split(/\s+/).length < 3)
        faults.push(`${label}: summary "${summary}" says nothing`);
      if (!/(Roles: [a-z-]+|Public: no token)/.test(op.description ?? ''))
        faults.push(`${label}: description does not say who may call it`);
      if ((op.description ?? '').length < 40) faults.push(`${label}: description too short`);
      const ok = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (!ok.length) faults.push(`${label}: no success response`);
      for (const [status, resp] of ok) {
        const content = (resp as OpenAPIV3_1.ResponseObject).content ?? {};
        if (status === '204') {
          if (Object.keys(content).length) faults.push(`${label}: 204 promises a body`);
        } else if (!Object.values(content).some((c) => c.schema)) faults.push(`${label}: ${status} has no schema`);
      }
      for (const [status, resp] of Object.entries(op.responses).filter(([s]) => /^4\d\d$/.test(s))) {
        const schema = (resp as OpenAPIV3_1.ResponseObject).content?.['application/problem+json']?.schema;
        if (!schema) faults.push(`${label}: ${status} does not give the problem shape`);
      }
    }
    expect(faults).toEqual([]);
    expect(Object.keys(served.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['Problem', 'Federation', 'Round', 'Schedule', 'Model', 'AuditEntry', 'TrainingPlan']),
    );
    // zod-to-openapi renders a nullable named schema as an allOf that refuses null; orNull() avoids it.
    expect(JSON.stringify(served)).not.toContain('"allOf"');
    const problem = served.components!.schemas!.Problem as OpenAPIV3_1.SchemaObject;
    expect(problem.required).toEqual(expect.arrayContaining(['reason', 'detail', 'status']));
  });

  it('takes request bodies and query parameters from the validators the controllers use', () => {
    const body = (p: string) =>
      ((served.paths![p]!.post!.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json'].schema ??
        {}) as OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject;
    const resolvedBody = (p: string) =>
      (resolved.paths![p]!.post!.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json']
        .schema as OpenAPIV3_1.SchemaObject;
    expect(body('/v1/tokens')).toEqual({ $ref: '#/components/schemas/CreateTokenRequest' });
    expect(resolvedBody('/v1/tokens').required).toEqual(['name', 'roles']);
    expect(resolvedBody('/v1/federations/{federationId}/invitations').additionalProperties).toBe(false);
    const schedule = resolvedBody('/v1/federations/{federationId}/schedules');
    expect(schedule.required).toEqual(expect.arrayContaining(['cron', 'windowMinutes', 'rounds']));
    const audit = served.paths!['/v1/audit']!.get!.parameters as OpenAPIV3_1.ParameterObject[];
    expect(audit.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:after', 'query:federationId', 'query:limit']);
    const round = served.paths!['/v1/rounds/{id}']!.get!.parameters as OpenAPIV3_1.ParameterObject[];
    expect(round).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
  });

  it('documents the console session as a cookie scheme, and its CSRF token on changes made with it', () => {
    expect(served.components!.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      consoleSession: { type: 'apiKey', in: 'cookie', name: '__Host-syndicate-console' },
      consoleCsrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
    });
    const security = (p: string, m: OpenAPIV3_1.HttpMethods) => served.paths![p]![m]!.security;
    expect(security('/v1/federations', 'get')).toEqual([{ bearer: [] }, { consoleSession: [] }]);
    expect(security('/v1/federations', 'post')).toEqual([{ bearer: [] }, { consoleSession: [], consoleCsrf: [] }]);
    expect(security('/v1/console/session', 'delete')).toEqual([
      { bearer: [] },
      { consoleSession: [], consoleCsrf: [] },
    ]);
    // Sign-in needs no credential in a header: the API token travels in the body.
    expect(security('/v1/console/session', 'post')).toEqual([]);
    expect(Object.keys(served.paths!['/v1/console/session']!.post!.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
    ]);
    const events = served.paths!['/v1/console/federations/{federationId}/round-events']!.get!.responses['200'];
    expect((events as OpenAPIV3_1.ResponseObject).content).toEqual({
      'text/event-stream': { schema: { $ref: '#/components/schemas/RoundEvent' } },
    });
  });

  /**
   * Calls a route on the live coordinator and checks the body against the document and the route's zod
   * schema (for an event stream: its first event's data). `send` makes the call, the admin's bearer token by default.
   */
  async function check(
    method: Method,
    url: string,
    body?: unknown,
    send: (method: Method, url: string, body?: unknown) => Promise<Answer> = (m, u, b) => h.admin.raw(m, u, b),
  ): Promise<unknown> {
    const pathOnly = url.split('?')[0];
    const r = routes.find(
      (x) => x.method === method && new RegExp(`^${x.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(pathOnly),
    );
    if (!r) throw new Error(`no route for ${method} ${url}`);
    const res = await send(method, url, body);
    expect({ url, status: res.status }).toEqual({ url, status: r.successStatus });
    checked.add(`${r.method} ${r.path}`);
    const success = operation(resolved, r)!.responses[String(r.successStatus)] as OpenAPIV3_1.ResponseObject;
    if (r.successStatus === 204) {
      expect({ url, content: success.content, body: res.text }).toEqual({ url, content: undefined, body: '' });
      return undefined;
    }
    const media = success.content!;
    expect(Object.keys(media)).toEqual([r.contentType]);
    expect(res.headers.get('content-type')).toContain(r.contentType);
    const streamed = r.contentType === 'text/event-stream';
    if (r.contentType !== 'application/json' && !streamed) return res.text;
    const json = (streamed ? firstEventData(res.text) : JSON.parse(res.text)) as unknown;
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(media[r.contentType].schema!);
    expect({ url, errors: validate(json) ? null : validate.errors }).toEqual({ url, errors: null });
    const parsed = r.doc!.response!.safeParse(json);
    expect({ url, issues: parsed.success ? null : parsed.error.issues }).toEqual({ url, issues: null });
    return json;
  }

  it('answers every route with a body its documented schema accepts', async () => {
    await check('GET', '/healthz');
    await check('GET', '/readyz');
    await check('GET', '/metrics');
    const f = (await check('POST', '/v1/federations', {
      plan: { ...plan, name: 'openapi-bodies', rounds: { ...plan.rounds, minParticipants: 1 } },
    })) as { id: string };
    await check('GET', '/v1/federations');
    await check('GET', `/v1/federations/${f.id}`);
    await check('POST', `/v1/federations/${f.id}/invitations`, { displayName: 'Waiting Bank' });
    await check('GET', `/v1/federations/${f.id}/invitations`);
    const member = await enrolledClient(h, f.id, 'Enrolled Bank');
    try {
      const members = (await check('GET', `/v1/federations/${f.id}/participants`)) as unknown[];
      expect(members).toHaveLength(1);
      const round = (await check('POST', `/v1/federations/${f.id}/rounds`, { deadlineSeconds: 3600 })) as {
        id: string;
      };
      await check('GET', `/v1/federations/${f.id}/rounds`);
      await check('GET', `/v1/rounds/${round.id}`);
      await check('POST', `/v1/rounds/${round.id}/cancel`);
      await check('POST', `/v1/federations/${f.id}/participants/${member.identity.participantId}/revoke`);
    } finally {
      member.client.close();
    }

    const schedule = (await check('POST', `/v1/federations/${f.id}/schedules`, {
      cron: '0 2 * * *',
      windowMinutes: 60,
      rounds: 20,
    })) as { id: string };
    await check('GET', `/v1/federations/${f.id}/schedules`);
    await check('GET', `/v1/federations/${f.id}/selection`);
    await check('GET', `/v1/schedules/${schedule.id}`);
    await check('POST', `/v1/schedules/${schedule.id}/pause`);
    await check('POST', `/v1/schedules/${schedule.id}/resume`);
    await check('POST', `/v1/schedules/${schedule.id}/cancel`);

    const models = (await check('GET', `/v1/federations/${f.id}/models`)) as { id: string }[];
    const initial = models[0].id;
    await check('GET', `/v1/models/${initial}`);
    await check('GET', `/v1/models/${initial}/weights`);
    await check('GET', `/v1/models/${initial}/export/tfjs/model.json`);
    await check('GET', `/v1/models/${initial}/export/tfjs/group1-shard1of1.bin`);
    await check('GET', `/v1/models/${initial}/export/weights.json`);
    await check('GET', `/v1/models/${initial}/export/scorecard.json`);
    await check('GET', `/v1/federations/${f.id}/evaluations`);
    await check('GET', `/v1/federations/${f.id}/report`);

    const token = (await check('POST', '/v1/tokens', { name: 'openapi reader', roles: ['viewer'] })) as {
      id: string;
      token: string;
    };
    await check('GET', '/v1/tokens');

    // The web console's routes, called as the console calls them: sign in with the token, then the session cookie.
    const signIn = await h.anonymous.raw('POST', '/v1/console/session', { token: token.token });
    const session = (await check('POST', '/v1/console/session', { token: token.token }, async () => signIn)) as {
      csrfToken: string;
      roles: string[];
    };
    expect(session.roles).toEqual(['viewer']);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    expect(cookie).toMatch(/^__Host-syndicate-console=/);
    const withCookie = (csrf: boolean) => (m: Method, u: string) =>
      browserCall(h.baseUrl, m, u, { cookie, ...(csrf ? { 'x-csrf-token': session.csrfToken } : {}) });
    expect(await check('GET', '/v1/console/session', undefined, withCookie(false))).toEqual(session);
    // A bearer token is answered too, without a session: nothing to send back as CSRF token.
    expect(await check('GET', '/v1/console/session')).toMatchObject({ csrfToken: null, expiresAt: null });
    const event = (await check(
      'GET',
      `/v1/console/federations/${f.id}/round-events`,
      undefined,
      withCookie(false),
    )) as { round: { federationId: string } | null };
    expect(event.round?.federationId).toBe(f.id);
    await check('DELETE', '/v1/console/session', undefined, withCookie(true));
    expect((await withCookie(false)('GET', '/v1/console/session')).status).toBe(401);
    await check('POST', `/v1/tokens/${token.id}/revoke`);
    await check('GET', `/v1/audit?federationId=${f.id}&limit=50`);
    await check('GET', '/v1/audit/verify');

    // A schema collection needs a ready key epoch of three members: light members, the test dealing it.
    const secure = await lightSecureRound(
      h,
      {
        ...plan,
        name: 'openapi-schema',
        rounds: { ...plan.rounds, minParticipants: 3 },
        aggregation: { mode: 'secure' },
      },
      [
        ['A', 10],
        ['B', 10],
        ['C', 10],
      ],
    );
    try {
      const sc = (await check('POST', `/v1/federations/${secure.federationId}/schema-collections`, {
        minCategoryCount: 5,
      })) as { id: string };
      await check('GET', `/v1/federations/${secure.federationId}/schema-collections`);
      await check('GET', `/v1/federations/${secure.federationId}/schema-collections/${sc.id}`);
    } finally {
      secure.close();
    }

    // Only the evaluation of a published model needs a trained round; its schema is the evaluations list's item.
    const unchecked = routes.map((r) => `${r.method} ${r.path}`).filter((r) => !checked.has(r));
    expect(unchecked).toEqual(['GET /v1/models/:id/evaluation']);
  });

  it('gives refusals the documented problem shape', async () => {
    const r = routes.find((x) => x.path === '/v1/rounds/:id' && x.method === 'GET')!;
    const res = await h.admin.raw('GET', '/v1/rounds/no-such-round');
    expect(res.status).toBe(404);
    const media = (operation(resolved, r)!.responses['404'] as OpenAPIV3_1.ResponseObject).content!;
    const validate = new Ajv({ strict: false }).compile(media['application/problem+json'].schema!);
    const body = JSON.parse(res.text) as { reason: string };
    expect(validate(body)).toBe(true);
    expect(body.reason).toBe('ROUND_NOT_FOUND');
  });

  it('generates a typed client: openapi-typescript output that compiles and keeps the enums narrow', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-openapi-'));
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(served));
    const cli = path.join(path.dirname(require.resolve('openapi-typescript')), '..', 'bin', 'cli.js');
    const run = await runCli(
      [path.join(dir, 'openapi.json'), '-o', path.join(dir, 'admin-api.d.ts')],
      {},
      { main: cli },
    );
    expect({ code: run.code, stderr: run.stderr.includes('Error') ? run.stderr : '' }).toEqual({ code: 0, stderr: '' });
    // A caller's code against the generated types; the @ts-expect-error lines fail to compile if a type went loose.
    fs.writeFileSync(
      path.join(dir, 'caller.ts'),
      [
        "import type { components, paths } from './admin-api';",
        "type Round = paths['/v1/rounds/{id}']['get']['responses'][200]['content']['application/json'];",
        "type Issued = paths['/v1/tokens']['post']['responses'][201]['content']['application/json'];",
        "type Refusal = paths['/v1/rounds/{id}']['get']['responses'][404]['content']['application/problem+json'];",
        "export const state: Round['state'] = 'published';",
        'export const auc: number | null | undefined = ({} as Round).evaluation?.metrics?.rocAuc;',
        "export const secret: Issued['token'] = 'syn_api_x';",
        "export const reason: Refusal['reason'] = 'ROUND_NOT_FOUND';",
        "export const schedule: components['schemas']['Schedule']['status'] = 'paused';",
        '// @ts-expect-error not a round state',
        "export const wrong: Round['state'] = 'finished';",
        '// @ts-expect-error a round has no such field',
        'export const missing = ({} as Round).winner;',
      ].join('\n'),
    );
    // No ambient @types: only the generated file and the caller are compiled (and checked, the .d.ts too).
    const program = ts.createProgram([path.join(dir, 'caller.ts')], {
      strict: true,
      noEmit: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(problems).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
