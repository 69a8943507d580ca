import * as grpc from '@grpc/grpc-js';
import { REASON, REASON_METADATA_KEY, type ReasonCode } from '@syndicate/protocol';

export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * A refusal the caller can act on. `reason` is a stable machine-readable code listed in
 * `@syndicate/protocol` (REASON_MEANINGS); the message says what was wrong and how to fix it.
 */
export class SyndicateError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly reason: ReasonCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'SyndicateError';
  }
}

const GRPC: Record<ErrorKind, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  INTERNAL: grpc.status.INTERNAL,
};

const HTTP: Record<ErrorKind, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 413,
  DEADLINE_EXCEEDED: 504,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export const grpcStatusOf = (kind: ErrorKind): grpc.status => GRPC[kind];
export const httpStatusOf = (kind: ErrorKind): number => HTTP[kind];

/** gRPC error object carrying the reason in metadata, so agents can branch on it. */
export function toGrpcError(err: unknown): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  if (err instanceof SyndicateError) {
    metadata.set(REASON_METADATA_KEY, err.reason);
    // Trailers carry the message: one echoing a caller's megabyte-long id would stall the HTTP/2 stream.
    const details = clipDetails([err.message, ...err.details].join('\n'));
    return Object.assign(new Error(details), { code: grpcStatusOf(err.kind), details, metadata });
  }
  metadata.set(REASON_METADATA_KEY, REASON.INTERNAL);
  const details = 'internal error; see the coordinator log';
  return Object.assign(new Error(details), { code: grpc.status.INTERNAL, details, metadata });
}

/** Largest status message sent back; longer ones are cut, saying so. */
const MAX_DETAILS = 4096;
const clipDetails = (s: string): string =>
  s.length <= MAX_DETAILS ? s : `${s.slice(0, MAX_DETAILS - 40)}… (${s.length} characters, cut)`;
