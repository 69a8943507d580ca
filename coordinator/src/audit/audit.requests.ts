import { z } from '../http/openapi-zod';

const wholeNumber = z.string().regex(/^\d+$/);

// What parsePaging accepts (it answers BAD_PAGING otherwise); documented here as query parameters arrive as strings.
export const auditListQuery = z
  .object({
    federationId: z.string().optional().openapi({ description: 'only entries about this federation' }),
    after: wholeNumber.optional().openapi({ description: 'only entries with seq greater than this (paging)' }),
    limit: wholeNumber.optional().openapi({ description: 'at most this many entries, 1 to 10000 (default 1000)' }),
  })
  .strict();
