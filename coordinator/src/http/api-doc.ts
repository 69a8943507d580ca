import { SetMetadata } from '@nestjs/common';
import type { AnyZodObject, ZodTypeAny } from 'zod';

export const API_DOC_KEY = 'syndicate:api-doc';

/** What the OpenAPI document says about one route, beside the route itself so neither is forgotten. */
export interface ApiDocSpec {
  /** A sentence naming what the call does, e.g. "Open a training round"; never a bare verb. */
  summary: string;
  /** What it does and when to use it; who may call it is added from @Roles. */
  description: string;
  /**
   * Schema of the success body (JSON unless the route sets a Content-Type header); null when the success
   * has no body (204). For a server-sent event stream: the schema of one event's data.
   */
  response: ZodTypeAny | null;
  /** Query parameters the handler reads, when it reads any. */
  query?: AnyZodObject;
  /**
   * Refusals the route's shape does not imply (status -> when), e.g. a public route that checks a token
   * itself; null drops one it implies but never gives.
   */
  refusals?: Record<string, string | null>;
}

export const ApiDoc = (spec: ApiDocSpec) => SetMetadata(API_DOC_KEY, spec);
