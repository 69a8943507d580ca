import { z } from '../http/openapi-zod';

export const inviteBody = z
  .object({
    displayName: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'letters, digits, space, _ . - only')
      .openapi({ description: "the bank's name as members and reports show it", example: 'Baltic Savings' }),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(90 * 24 * 3600)
      .optional()
      .openapi({ description: 'how long the enrollment token stays valid (default 7 days)' }),
  })
  .strict()
  .openapi('InviteRequest');
