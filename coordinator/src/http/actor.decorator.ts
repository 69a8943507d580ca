import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from './principal';

/** The authenticated caller, as the access guard found it. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!p) throw new Error('@Actor() used on an endpoint the access guard did not authenticate');
  return p;
});
