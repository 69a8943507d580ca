import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY, type Role } from './roles';

export interface RouteInfo {
  method: string;
  /** Express-style path, e.g. /v1/federations/:federationId/rounds */
  path: string;
  controller: string;
  handler: string;
  public: boolean;
  /** Roles the endpoint admits; empty and not public means nobody. */
  roles: Role[];
}

const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;

/** Every REST endpoint of the running application with the access it declares. */
export function routeCatalog(app: INestApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
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
          roles: (Reflect.getMetadata(ROLES_KEY, fn) as Role[] | undefined) ?? (Reflect.getMetadata(ROLES_KEY, ctrl) as Role[] | undefined) ?? [],
        });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
