import { Inject, Injectable } from '@nestjs/common';
import type { ChunkAssembler } from '@syndicate/protocol';
import { faultPoint } from '../common/fault-point';
import { Semaphore } from '../common/semaphore';
import { SyndicateError } from '../common/syndicate-error';
import { CONFIG } from '../common/tokens';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { limitReadAhead } from './read-ahead';

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
    /** Validates the header; returns how to assemble, without allocating yet. */
    prepare: (header: H) => Promise<() => ChunkAssembler>,
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
    const makeAssembler = await prepare(header);
    // Chunks are not read, nor the payload buffer allocated, until a slot is free:
    // unread streams back-pressure their senders.
    return this.uploadSlots.run(async () => {
      const assembler = makeAssembler();
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
