import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject } from '@nestjs/swagger';
import { SESSION_COOKIE } from '../access/console-sessions.service';
import type { RouteInfo } from '../access/route-catalog';
import { z } from '../http/openapi-zod';
import { problemDetailsSchema } from './problem-details.responses';

const PARAMETER_MEANINGS: Record<string, string> = {
  federationId: 'federation id (GET /v1/federations lists them)',
  participantId: 'participant id (GET /v1/federations/{federationId}/participants lists them)',
};

/** What a path's `:id` names, from the collection it sits under. */
function idMeaning(path: string): string {
  const collection = /\/v1\/([a-z]+)\/:id/.exec(path)?.[1];
  return collection ? `id of the ${collection.replace(/s$/, '')}` : 'id';
}

function pathParameters(path: string) {
  const names = [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  if (!names.length) return undefined;
  return z.object(
    Object.fromEntries(
      names.map((n) => [n, z.string().openapi({ description: PARAMETER_MEANINGS[n] ?? idMeaning(path) })]),
    ),
  );
}

const problem = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: problemDetailsSchema } },
});

/** Methods the access guard lets a session cookie make without the CSRF token: they change nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function refusals(r: RouteInfo): Record<string, ResponseConfig> {
  const hasParams = r.path.includes(':');
  const safe = SAFE_METHODS.has(r.method);
  const statuses: Record<string, string | null> = {
    ...(r.body || r.doc?.query ? { '400': 'the request is invalid; `problems` lists every issue' } : {}),
    ...(r.public
      ? {}
      : {
          '401':
            'no valid API token or console session (MISSING_TOKEN, UNKNOWN_TOKEN, MALFORMED_TOKEN, TOKEN_EXPIRED, TOKEN_REVOKED, SESSION_UNKNOWN, SESSION_EXPIRED, SESSION_REVOKED)',
          '403': safe
            ? 'the token lacks a role this operation admits (ROLE_NOT_ALLOWED)'
            : 'the token lacks a role this operation admits (ROLE_NOT_ALLOWED), or a console session sent no matching X-CSRF-Token (CSRF_TOKEN_MISMATCH)',
        }),
    ...(hasParams ? { '404': 'what the path names does not exist' } : {}),
    ...(r.method === 'POST' || hasParams ? { '409': 'refused in the current state; `detail` says why' } : {}),
    ...r.doc?.refusals,
  };
  return Object.fromEntries(
    Object.entries(statuses).flatMap(([status, when]) => (when === null ? [] : [[status, problem(when)]])),
  );
}

/**
 * A bearer token, or the web console's session cookie standing for one; with the cookie, a change also
 * needs the session's CSRF token (both schemes of one requirement must be present).
 */
function security(r: RouteInfo): Record<string, string[]>[] {
  if (r.public) return [];
  return [
    { bearer: [] },
    SAFE_METHODS.has(r.method) ? { consoleSession: [] } : { consoleSession: [], consoleCsrf: [] },
  ];
}

function registerSecuritySchemes(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API token from `syndicate init` or `syndicate token create`',
  });
  registry.registerComponent('securitySchemes', 'consoleSession', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      "The web console session: set by POST /v1/console/session in exchange for an API token (HttpOnly, Secure, SameSite=Strict); it carries that token's roles. Ignored when an Authorization header is sent.",
  });
  registry.registerComponent('securitySchemes', 'consoleCsrf', {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      "The session's CSRF token (`csrfToken` in the sign-in answer and in GET /v1/console/session): required on every POST or DELETE authenticated by the session cookie, never with a bearer token.",
  });
}

/**
 * Two slips of zod-to-openapi's 3.1 output, mended in place: a nullable enum gets `type: [string, null]`
 * with an enum lacking null (which refuses null after all), and `schema | null` lists `{type: null}` twice.
 */
function mendNullables(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(mendNullables);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as { type?: unknown; enum?: unknown[]; anyOf?: unknown[] };
  if (Array.isArray(schema.type) && schema.type.includes('null') && schema.enum && !schema.enum.includes(null))
    schema.enum.push(null);
  if (schema.anyOf)
    schema.anyOf = schema.anyOf.filter(
      (s, i, all) =>
        JSON.stringify(s) !== '{"type":"null"}' || all.findIndex((t) => JSON.stringify(t) === JSON.stringify(s)) === i,
    );
  Object.values(node).forEach(mendNullables);
}

function whoMayCall(r: RouteInfo): string {
  if (r.public) return 'Public: no token needed in a header.';
  const csrf = SAFE_METHODS.has(r.method) ? '' : ' plus its X-CSRF-Token';
  return `Roles: ${r.roles.join(', ')}. Authenticate with a bearer token or the console session cookie${csrf}.`;
}

/**
 * The OpenAPI document, generated from the routes the application registered and the zod schemas they
 * use: request bodies from the pipes that validate them, responses and summaries from @ApiDoc, roles
 * from @Roles. A route without @ApiDoc is still listed, but the document test refuses it.
 */
export function openApiDocument(routes: RouteInfo[], version: string): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registerSecuritySchemes(registry);
  for (const r of routes) {
    const controller = r.controller.replace(/Controller$/, '');
    const doc = r.doc;
    registry.registerPath({
      method: r.method.toLowerCase() as 'get' | 'post',
      path: r.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      operationId: `${controller}_${r.handler}`,
      tags: [controller],
      summary: doc?.summary ?? r.handler,
      description: `${doc?.description ?? ''}\n\n${whoMayCall(r)}`.trim(),
      'x-syndicate-roles': r.roles,
      security: security(r),
      request: {
        params: pathParameters(r.path),
        query: doc?.query,
        ...(r.body ? { body: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      },
      responses: {
        [String(r.successStatus)]: {
          description: doc?.summary ?? 'OK',
          ...(doc?.response ? { content: { [r.contentType]: { schema: doc.response } } } : {}),
        },
        ...refusals(r),
      },
    });
  }
  const generated = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Syndicate coordinator admin API',
      version,
      description:
        'Federations, members, schedules, rounds, models, tokens and the audit log. Every call needs `Authorization: Bearer <API token>`, or the web console session cookie (with `X-CSRF-Token` on changes), except probes, metrics and the console sign-in; each operation lists the roles it admits. Every refusal is RFC 7807 problem details with a stable `reason` code.',
    },
  });
  mendNullables(generated);
  return generated as unknown as OpenAPIObject;
}
