/** How the agent calls the coordinator at the wire level: refusals as typed errors, payloads as checked chunk streams. */
import * as grpc from '@grpc/grpc-js';
import {
  ChunkAssembler,
  REASON_METADATA_KEY,
  splitIntoChunks,
  type PayloadDescriptor__Output,
} from '@syndicate/protocol';

export class CoordinatorCallError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: grpc.status,
    /** A `ReasonCode` (compare with `REASON.*`); kept as text, since a newer coordinator may send codes this agent does not know. */
    readonly reason: string,
    message: string,
  ) {
    super(`${rpc} refused (${grpc.status[code]}${reason ? `, ${reason}` : ''}): ${message}`);
    this.name = 'CoordinatorCallError';
  }
}

export function callError(rpc: string, err: grpc.ServiceError): CoordinatorCallError {
  const reason = String(err.metadata?.get(REASON_METADATA_KEY)?.[0] ?? '');
  return new CoordinatorCallError(rpc, err.code, reason, err.details || err.message);
}

/** Reads a header-then-chunks stream, checking sizes, order and hash against the header. */
export async function readChunked<H extends { payload?: PayloadDescriptor__Output | null }>(
  rpc: string,
  stream: grpc.ClientReadableStream<unknown>,
  /** Refused before allocation when the header announces more: a lying coordinator cannot make us allocate 2 GiB. */
  maxTotalBytes: number,
  onProgress?: (bytes: number, total: number) => void,
): Promise<{ header: H; data: Buffer }> {
  let assembler: ChunkAssembler | undefined;
  let header: H | undefined;
  let received = 0;
  try {
    for await (const msg of stream as AsyncIterable<{
      header?: H | null;
      chunk?: { index: number; data: Buffer } | null;
      part?: string;
    }>) {
      if (msg.part === 'header' && msg.header?.payload) {
        if (header) throw new Error(`${rpc} sent a second header`);
        header = msg.header;
        assembler = new ChunkAssembler(msg.header.payload, { maxTotalBytes });
      } else if (msg.part === 'chunk' && msg.chunk) {
        if (!assembler) throw new Error(`${rpc} sent a chunk before its header`);
        assembler.push(msg.chunk);
        received += msg.chunk.data.length;
        onProgress?.(received, Number(header?.payload?.totalBytes ?? 0));
      }
    }
  } catch (err) {
    stream.cancel();
    throw (err as grpc.ServiceError).code !== undefined ? callError(rpc, err as grpc.ServiceError) : err;
  }
  if (!assembler || !header) throw new Error(`${rpc}: coordinator sent no payload`);
  return { header, data: assembler.finish() };
}

/** Writes a header then the payload in chunks, waiting for flow control so memory stays flat. */
export function writeChunked<Req extends { header?: unknown; chunk?: unknown }, Res>(
  rpc: string,
  open: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => grpc.ClientWritableStream<Req>,
  header: Req['header'],
  payload: Buffer,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const call = open((err, res) => (err ? reject(callError(rpc, err)) : resolve(res!)));
    const write = (msg: Req) =>
      new Promise<void>((ok) => {
        if (call.write(msg)) ok();
        else call.once('drain', ok);
      });
    void (async () => {
      await write({ header } as Req);
      for (const chunk of splitIntoChunks(payload)) await write({ chunk } as Req);
      call.end();
    })().catch(reject);
  });
}
