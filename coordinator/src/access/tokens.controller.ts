import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import type { z } from 'zod';
import { ApiDoc } from '../http/api-doc';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import { ApiTokensService, type IssuedToken, type TokenView } from './api-tokens.service';
import type { Principal } from '../http/principal';
import { Roles } from '../http/roles';
import { createTokenBody } from './tokens.requests';
import { issuedTokenSchema, tokenListSchema, tokenViewSchema } from './tokens.responses';

@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @Roles('admin')
  @ApiDoc({
    summary: 'Create an API token with chosen roles',
    description:
      'Issues a bearer token for a person or a system with the roles it needs (admin, data-scientist, auditor, viewer). The token is shown only in this response; only its hash is stored.',
    response: issuedTokenSchema,
  })
  create(
    @Body(new ZodBodyPipe(createTokenBody)) body: z.infer<typeof createTokenBody>,
    @Actor() actor: Principal,
  ): Promise<IssuedToken> {
    return this.tokens.create(body, actor.tokenId);
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiDoc({
    summary: 'List API tokens',
    description:
      'Every token ever issued (never the secret itself): its roles, who created it, expiry, revocation and last use.',
    response: tokenListSchema,
  })
  list(): Promise<TokenView[]> {
    return this.tokens.list();
  }

  @Post(':id/revoke')
  @Roles('admin')
  @ApiDoc({
    summary: 'Revoke an API token',
    description: 'Every later call with the token is refused (TOKEN_REVOKED). Revoking is permanent.',
    response: tokenViewSchema,
  })
  revoke(@Param('id') id: string, @Actor() actor: Principal): Promise<TokenView> {
    return this.tokens.revoke(id, actor.tokenId);
  }
}
