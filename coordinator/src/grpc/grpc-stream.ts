import type * as grpc from '@grpc/grpc-js';
import { WireFormatError } from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { SyndicateError, toGrpcError } from '../common/syndicate-error';

export function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || value === '') {
    throw new SyndicateError('INVALID_ARGUMENT', 'MISSING_FIELD', `${field} is required`);
  }
  return value;
}

/** Refuses an oversized upload from its header alone, before a slot or a buffer is spent on it. */
export function assertWithinLimit(descriptor: { totalBytes: string }, maxTotalBytes: number): void {
  const total = Number(descriptor.totalBytes);
  if (!Number.isSafeInteger(total) || total < 0)
    throw new WireFormatError('BAD_DESCRIPTOR', `total_bytes ${descriptor.totalBytes} is not a valid size`);
  if (total > maxTotalBytes)
    throw new WireFormatError('TOO_LARGE', `payload declares ${total} bytes, the limit is ${maxTotalBytes}`);
}

export function wireError(err: unknown): unknown {
  return err instanceof WireFormatError ? new SyndicateError('INVALID_ARGUMENT', `WIRE_${err.code}`, err.message) : err;
}

export function logRefusal(log: Logger, rpc: string, err: unknown): void {
  if (err instanceof SyndicateError) log.warn({ rpc, reason: err.reason }, err.message);
  else if (!(err instanceof WireFormatError)) log.error({ rpc, err }, 'unexpected error');
}

/** Answers a unary call (or a client stream) from `work`; refusals become gRPC statuses. */
export function reply<Res>(log: Logger, rpc: string, work: Promise<Res>, callback: grpc.sendUnaryData<Res>): void {
  work.then(
    (res) => callback(null, res),
    (err) => {
      logRefusal(log, rpc, err);
      callback(toGrpcError(wireError(err)));
    },
  );
}

/** Runs a server stream; a refusal ends it with its status. */
export async function serveStream(
  log: Logger,
  rpc: string,
  call: grpc.ServerWritableStream<unknown, unknown>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    logRefusal(log, rpc, err);
    // grpc-js sends a server stream's status on 'error'; destroy() would drop it and leave the client waiting.
    call.emit('error', toGrpcError(wireError(err)));
  }
}

/** Respects HTTP/2 flow control: a slow bank link must not make us buffer the whole model. */
export function writeMessage<T>(call: grpc.ServerWritableStream<unknown, T>, message: T): Promise<void> {
  return new Promise((resolve, reject) => {
    if (call.cancelled) return reject(new SyndicateError('INTERNAL', 'CANCELLED', 'client went away'));
    if (call.write(message)) return resolve();
    call.once('drain', resolve);
  });
}
