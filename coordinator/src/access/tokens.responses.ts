import { describes, epochMs, z } from '../http/openapi-zod';
import { ROLES } from '../http/roles';
import type { IssuedToken, TokenView } from './api-tokens.service';

export const issuedTokenSchema = describes<IssuedToken>()(
  z
    .object({
      id: z.string(),
      name: z.string(),
      roles: z.array(z.enum(ROLES)),
      token: z.string().openapi({ description: 'the bearer token, shown only here (only its hash is stored)' }),
      expiresAt: epochMs.nullable(),
    })
    .openapi('IssuedToken'),
);

export const tokenViewSchema = describes<TokenView>()(
  z
    .object({
      id: z.string(),
      name: z.string(),
      roles: z.array(z.enum(ROLES)),
      createdBy: z.string().openapi({ description: 'id of the token that created it, or `init`' }),
      createdAt: epochMs,
      expiresAt: epochMs.nullable(),
      revokedAt: epochMs.nullable(),
      lastUsedAt: epochMs.nullable(),
    })
    .openapi('ApiToken'),
);

export const tokenListSchema = z.array(tokenViewSchema);
