import { RequestMethod, type INestApplication } from '@nestjs/common';
import {
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { ZodTypeAny } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY, type Role } from '../http/roles';
import { API_DOC_KEY, type ApiDocSpec } from '../http/api-doc';

export interface RouteInfo {
  method: string;
  /** Express-style path, e.g. /v1/federations/:federationId/rounds */
  path: string;
  controller: string;
  handler: string;
  public: boolean;
  /** Roles the endpoint admits; empty and not public means nobody. */
  roles: Role[];
  /** The schema its body is validated with at the edge, if any. */
  body?: ZodTypeAny;
  /** Status of a success: 201 for a POST unless @HttpCode says otherwise, as Nest answers. */
  successStatus: number;
  /** Content-Type a @Header sets on the success response, text/event-stream for @Sse; JSON otherwise. */
  contentType: string;
  /** Summary, description and response schema from @ApiDoc. */
  doc?: ApiDocSpec;
}

/** The schema of the ZodBodyPipe on the handler's @Body() parameter. */
function bodySchema(ctrl: object, handler: string): ZodTypeAny | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctrl, handler) ?? {}) as Record<string, { pipes?: unknown[] }>;
  for (const [key, arg] of Object.entries(args)) {
    if (!key.startsWith(`${RouteParamtypes.BODY}:`)) continue;
    const pipe = arg.pipes?.find((x): x is ZodBodyPipe<unknown> => x instanceof ZodBodyPipe);
    if (pipe) return pipe.schema as ZodTypeAny;
  }
  return undefined;
}

function contentTypeOf(fn: unknown): string | undefined {
  if (Reflect.getMetadata(SSE_METADATA, fn as object)) return 'text/event-stream';
  const headers = (Reflect.getMetadata(HEADERS_METADATA, fn as object) ?? []) as { name: string; value: string }[];
  return headers.find((h) => h.name.toLowerCase() === 'content-type')?.value.split(';')[0];
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every REST endpoint of the running application with the access it declares. */
export function routeCatalog(app: INestApplication): RouteInfo[] {
  return routesOf(app.get(ModulesContainer));
}

/** The same, from the module graph a provider can inject (the console asks which routes a role may call). */
export function routesOf(modules: ModulesContainer): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const mod of modules.values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!ctrl) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, ctrl) as string | undefined) ?? '';
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const fn = proto[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = (Reflect.getMetadata(PATH_METADATA, fn) as string | undefined) ?? '';
        routes.push({
          method: RequestMethod[method],
          path: join(base, sub),
          controller: ctrl.name,
          handler: name,
          public: Boolean(Reflect.getMetadata(PUBLIC_KEY, fn) ?? Reflect.getMetadata(PUBLIC_KEY, ctrl)),
          roles:
            (Reflect.getMetadata(ROLES_KEY, fn) as Role[] | undefined) ??
            (Reflect.getMetadata(ROLES_KEY, ctrl) as Role[] | undefined) ??
            [],
          body: bodySchema(ctrl, name),
          successStatus:
            (Reflect.getMetadata(HTTP_CODE_METADATA, fn) as number | undefined) ??
            (method === RequestMethod.POST ? 201 : 200),
          contentType: contentTypeOf(fn) ?? 'application/json',
          doc: Reflect.getMetadata(API_DOC_KEY, fn) as ApiDocSpec | undefined,
        });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
