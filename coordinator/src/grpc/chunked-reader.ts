import { Inject, Injectable } from '@nestjs/common';
import { ChunkAssembler } from '@syndicate/protocol';
import { assertWithinLimit } from './grpc-stream';
import { faultPoint } from '../common/fault-point';
import { Semaphore } from '../common/semaphore';
import { SyndicateError } from '../common/syndicate-error';
import { CONFIG } from '../common/tokens';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { limitReadAhead } from './read-ahead';

type PayloadDescriptor = ConstructorParameters<typeof ChunkAssembler>[0] & { totalBytes: string };
type ChunkedMessage<H> = { part?: string; header?: H | null; chunk?: { index: number; data: Buffer } | null };

/** The stream's next message, or STREAM_IDLE if the sender went quiet. */
function withinIdle<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SyndicateError(
            'DEADLINE_EXCEEDED',
            'STREAM_IDLE',
            `the stream sent nothing for ${ms / 1000} s and was dropped; nothing of it was kept, send it again`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([p, idle]).finally(() => clearTimeout(timer));
}

/** Reads header-then-chunks client streams (uploads, publications) through one pool of upload slots. */
@Injectable()
export class ChunkedReader {
  private readonly uploadSlots: Semaphore;

  constructor(@Inject(CONFIG) private readonly config: CoordinatorConfig) {
    this.uploadSlots = new Semaphore(config.maxConcurrentUploads);
  }

  /** The header decides the limits before any chunk is buffered. */
  async read<H>(
    call: AsyncIterable<ChunkedMessage<H>>,
    /** Validates the header; returns its payload descriptor and the most bytes this payload may be. */
    prepare: (header: H) => Promise<{ descriptor: PayloadDescriptor; maxBytes: number }>,
  ): Promise<{ header: H; payload: Buffer }> {
    limitReadAhead(call);
    const iterator = call[Symbol.asyncIterator]();
    const idleMs = this.config.streamIdleSeconds * 1000;
    // A sender that stops mid-stream must not hold an upload slot (and its buffer) forever.
    const next = () => withinIdle(iterator.next(), idleMs);
    const first = await next();
    if (first.done || first.value.part !== 'header' || !first.value.header) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'HEADER_FIRST',
        'a chunked upload must start with its header message',
      );
    }
    const header = first.value.header;
    const { descriptor, maxBytes } = await prepare(header);
    const limits = { maxTotalBytes: Math.min(this.config.maxPayloadBytes, maxBytes) };
    assertWithinLimit(descriptor, limits.maxTotalBytes);
    // Chunks are not read, nor the payload buffer allocated, until a slot is free:
    // unread streams back-pressure their senders.
    return this.uploadSlots.run(async () => {
      const assembler = new ChunkAssembler(descriptor, limits);
      for (let msg = await next(); !msg.done; msg = await next()) {
        if (msg.value.part !== 'chunk' || !msg.value.chunk) {
          throw new SyndicateError('INVALID_ARGUMENT', 'UNEXPECTED_MESSAGE', 'only chunks may follow the header');
        }
        assembler.push(msg.value.chunk);
        faultPoint(`chunk.${msg.value.chunk.index}`); // test-only crash injection: an upload half-read
      }
      return { header, payload: assembler.finish() };
    });
  }
}
