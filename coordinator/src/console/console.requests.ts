import { z } from '../http/openapi-zod';

export const signInBody = z
  .object({
    token: z.string().min(1).max(512).openapi({
      description: 'an API token (`syndicate token create`); sent once, exchanged for the session cookie, never stored',
      example: 'syn_api_…',
    }),
  })
  .strict()
  .openapi('ConsoleSignInRequest');
