import type { OpenAPIObject } from '@nestjs/swagger';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { RouteInfo } from '../access/route-catalog';

const problem = {
  description: 'RFC 7807 problem details',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['type', 'status', 'title', 'detail', 'reason'],
        properties: {
          type: { type: 'string' },
          status: { type: 'integer' },
          title: { type: 'string' },
          detail: { type: 'string', description: 'what was wrong and how to fix it' },
          reason: { type: 'string', description: 'stable machine-readable code, e.g. ROLE_NOT_ALLOWED' },
          instance: { type: 'string' },
          problems: {
            type: 'array',
            items: { type: 'string' },
            description: 'every validation problem, one per entry',
          },
        },
      },
    },
  },
};

// zod-to-json-schema's generic signature is too deep for tsc on our schemas; the result is plain JSON anyway.
const toJsonSchema = zodToJsonSchema as unknown as (
  schema: unknown,
  opts: { target: 'openApi3'; $refStrategy: 'none' },
) => Record<string, unknown>;
const jsonSchemaOf = (schema: unknown) => toJsonSchema(schema, { target: 'openApi3', $refStrategy: 'none' });

/**
 * The OpenAPI document, derived from the routes the application registered: their
 * paths, declared roles and the very zod schemas that validate their bodies, so the
 * document cannot drift from what the coordinator enforces.
 */
export function openApiDocument(routes: RouteInfo[], version: string): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path' as const,
      required: true,
      schema: { type: 'string' as const },
    }));
    const method = r.method.toLowerCase() as 'get' | 'post';
    paths[path] = {
      ...paths[path],
      [method]: {
        operationId: `${r.controller.replace(/Controller$/, '')}_${r.handler}`,
        tags: [r.controller.replace(/Controller$/, '')],
        summary: `${r.handler}`,
        description: r.public ? 'Public (no token).' : `Roles: ${r.roles.join(', ')}.`,
        'x-syndicate-roles': r.roles,
        security: r.public ? [] : [{ bearer: [] }],
        parameters: params,
        ...(r.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(r.body) } } } }
          : {}),
        responses: {
          '200': { description: 'OK' },
          ...(r.body ? { '400': problem } : {}),
          ...(r.public ? {} : { '401': problem, '403': problem }),
          '404': problem,
          '409': problem,
        },
      },
    } as OpenAPIObject['paths'][string];
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Syndicate coordinator admin API',
      version,
      description:
        'Federations, members, schedules, rounds, models, tokens and the audit log. Every call needs `Authorization: Bearer <API token>` except probes and metrics; each operation lists the roles it admits.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'API token from `syndicate init` or `syndicate token create`',
        },
      },
    },
    paths,
  };
}
