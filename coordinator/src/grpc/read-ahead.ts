/**
 * grpc-js server streams are object-mode Readables that read ahead 16 messages
 * (16 chunks) whether or not anyone consumes them, which would buffer every
 * queued upload. With no read-ahead a message is read only when asked for, so an
 * upload waiting for a slot holds its chunks at the sender (HTTP/2 flow control)
 * and costs the coordinator its connection, not its payload.
 */
export function limitReadAhead(stream: unknown): void {
  const state = (stream as { _readableState?: { highWaterMark: number } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = 0;
}
