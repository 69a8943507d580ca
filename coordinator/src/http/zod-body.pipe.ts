import { Injectable, type PipeTransform } from '@nestjs/common';
import type { ReasonCode } from '@syndicate/protocol';
import type { ZodType, ZodTypeDef } from 'zod';
import { SyndicateError } from '../common/syndicate-error';

/** Validates a request body at the edge and lists every problem; the OpenAPI document is derived from the same schema. */
@Injectable()
export class ZodBodyPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    readonly schema: ZodType<T, ZodTypeDef, unknown>,
    private readonly reason: ReasonCode = 'INVALID_REQUEST',
    private readonly title = 'request body is invalid',
  ) {}

  transform(value: unknown): T {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new SyndicateError(
      'INVALID_ARGUMENT',
      this.reason,
      this.title,
      result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    );
  }
}
