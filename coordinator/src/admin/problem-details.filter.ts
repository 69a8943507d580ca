import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { HttpReasonCode, ReasonCode } from '@syndicate/protocol';
import type { Request, Response } from 'express';
import type { Logger } from '../common/logger';
import { httpStatusOf, SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { bodyParserProblem } from './http-error-problem';

/** Every REST error as RFC 7807 problem details, with a stable `reason`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    let status = 500;
    let body: { title: string; detail: string; reason: ReasonCode; problems?: string[] } = {
      title: 'Internal Server Error',
      detail: 'internal error; see the coordinator log',
      reason: 'INTERNAL',
    };
    const refusedBody = bodyParserProblem(exception);
    if (refusedBody) {
      status = refusedBody.status;
      body = { title: refusedBody.reason, detail: refusedBody.detail, reason: refusedBody.reason };
    } else if (exception instanceof SyndicateError) {
      status = httpStatusOf(exception.kind);
      body = {
        title: exception.reason,
        detail: exception.message,
        reason: exception.reason,
        ...(exception.details.length ? { problems: exception.details } : {}),
      };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = { title: exception.name, detail: exception.message, reason: `HTTP_${status}` satisfies HttpReasonCode };
    } else {
      this.log.error({ err: exception, path: req.url }, 'unhandled REST error');
    }
    res
      .status(status)
      .type('application/problem+json')
      .send(JSON.stringify({ type: 'about:blank', status, instance: req.url, ...body }));
  }
}
