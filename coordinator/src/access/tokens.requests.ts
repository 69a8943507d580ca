import { z } from '../http/openapi-zod';
import { ROLES } from '../http/roles';

export const createTokenBody = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.@-]*$/, 'letters, digits, space, _ . @ - only')
      .openapi({ description: 'who or what holds it', example: 'risk-team@bank' }),
    roles: z.array(z.enum(ROLES)).min(1),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(5 * 366 * 24 * 3600)
      .optional()
      .openapi({ description: 'lifetime; without it the token lasts until revoked' }),
  })
  .strict()
  .openapi('CreateTokenRequest');
