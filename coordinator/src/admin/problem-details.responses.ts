import { z } from '../http/openapi-zod';

/** Every REST refusal (ProblemDetailsFilter): RFC 7807 problem details with a stable reason code. */
export const problemDetailsSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    status: z.number().int().openapi({ description: 'the HTTP status, repeated', example: 403 }),
    title: z.string(),
    detail: z.string().openapi({
      description: 'what was wrong and how to fix it (the hint), for people',
      example: 'role viewer may not call POST /v1/federations; it needs one of: admin',
    }),
    reason: z.string().openapi({
      description:
        'stable machine-readable reason code (listed in proto/src/reasons/reason-codes.ts); branch on this, not on the text',
      example: 'ROLE_NOT_ALLOWED',
    }),
    instance: z.string().openapi({ description: 'the request path' }),
    problems: z
      .array(z.string())
      .optional()
      .openapi({ description: 'every validation problem, one per entry ("path: message")' }),
  })
  .openapi('Problem');
