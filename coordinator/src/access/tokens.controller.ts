import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import { ApiTokensService, type IssuedToken, type TokenView } from './api-tokens.service';
import type { Principal } from '../http/principal';
import { ROLES, Roles } from '../http/roles';

export const createTokenBody = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.@-]*$/, 'letters, digits, space, _ . @ - only'),
    roles: z.array(z.enum(ROLES)).min(1),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(5 * 366 * 24 * 3600)
      .optional(),
  })
  .strict();

@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @Roles('admin')
  create(
    @Body(new ZodBodyPipe(createTokenBody)) body: z.infer<typeof createTokenBody>,
    @Actor() actor: Principal,
  ): Promise<IssuedToken> {
    return this.tokens.create(body, actor.tokenId);
  }

  @Get()
  @Roles('admin', 'auditor')
  list(): Promise<TokenView[]> {
    return this.tokens.list();
  }

  @Post(':id/revoke')
  @Roles('admin')
  revoke(@Param('id') id: string, @Actor() actor: Principal): Promise<TokenView> {
    return this.tokens.revoke(id, actor.tokenId);
  }
}
