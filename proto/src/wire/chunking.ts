import { createHash, type Hash } from 'crypto';
import type { PayloadDescriptor, PayloadEncoding } from '../grpc/types';
import { CHUNK_BYTES } from '../grpc/load-protocol';
import { WireFormatError } from './errors';
import { sha256 } from './sha256';

export interface WireChunk {
  index: number;
  data: Buffer;
}

/** Zero-copy slices of a payload, in order. */
export function* splitIntoChunks(payload: Uint8Array, chunkBytes = CHUNK_BYTES): Generator<WireChunk> {
  if (!(chunkBytes > 0)) throw new RangeError('chunkBytes must be positive');
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  let index = 0;
  for (let offset = 0; offset < buf.length; offset += chunkBytes) {
    yield { index: index++, data: buf.subarray(offset, Math.min(buf.length, offset + chunkBytes)) };
  }
}

export interface WireDescriptor {
  encoding: PayloadEncoding;
  numParams: string;
  totalBytes: string;
  chunkCount: number;
  sha256: Buffer;
}

export function describePayload(
  payload: Uint8Array,
  encoding: PayloadEncoding,
  numParams: number,
  chunkBytes = CHUNK_BYTES,
): WireDescriptor {
  return {
    encoding,
    numParams: String(numParams),
    totalBytes: String(payload.byteLength),
    chunkCount: Math.ceil(payload.byteLength / chunkBytes),
    sha256: sha256(payload),
  };
}

export interface AssemblerLimits {
  /** Largest payload accepted; checked before anything is allocated. */
  maxTotalBytes?: number;
  maxChunkBytes?: number;
}

type DescriptorLike = Pick<PayloadDescriptor, 'totalBytes' | 'chunkCount' | 'sha256'>;

/**
 * Reassembles a chunked payload, refusing anything that departs from what the
 * header declared: sizes, order, count and hash.
 */
export class ChunkAssembler {
  private readonly buffer: Buffer;
  private readonly expectedChunks: number;
  private readonly expectedHash: Buffer;
  private readonly maxChunkBytes: number;
  private readonly hash: Hash = createHash('sha256');
  private received = 0;
  private nextIndex = 0;

  constructor(descriptor: DescriptorLike, limits: AssemblerLimits = {}) {
    const total = Number(descriptor.totalBytes);
    const maxTotal = limits.maxTotalBytes ?? 2 ** 31 - 1;
    this.maxChunkBytes = limits.maxChunkBytes ?? CHUNK_BYTES;
    if (!Number.isSafeInteger(total) || total < 0)
      throw new WireFormatError('BAD_DESCRIPTOR', `total_bytes ${descriptor.totalBytes} is not a valid size`);
    if (total > maxTotal)
      throw new WireFormatError('TOO_LARGE', `payload declares ${total} bytes, the limit is ${maxTotal}`);
    const chunks = Number(descriptor.chunkCount);
    if (
      !Number.isSafeInteger(chunks) ||
      chunks < Math.ceil(total / this.maxChunkBytes) ||
      chunks > Math.max(1, total)
    ) {
      throw new WireFormatError(
        'BAD_DESCRIPTOR',
        `chunk_count ${descriptor.chunkCount} cannot carry ${total} bytes in chunks of at most ${this.maxChunkBytes}`,
      );
    }
    const hash = descriptor.sha256 ? Buffer.from(descriptor.sha256 as Uint8Array) : Buffer.alloc(0);
    if (hash.length !== 32) throw new WireFormatError('BAD_DESCRIPTOR', 'sha256 must be 32 bytes');
    this.expectedHash = hash;
    this.expectedChunks = chunks;
    this.buffer = Buffer.alloc(total);
  }

  push(chunk: { index: number; data: Uint8Array }): void {
    if (chunk.index !== this.nextIndex) {
      throw new WireFormatError(
        'OUT_OF_ORDER',
        `chunk ${chunk.index} arrived, expected chunk ${this.nextIndex} (duplicate or out of order)`,
      );
    }
    if (chunk.data.byteLength > this.maxChunkBytes) {
      throw new WireFormatError(
        'CHUNK_TOO_LARGE',
        `chunk ${chunk.index} is ${chunk.data.byteLength} bytes, the limit is ${this.maxChunkBytes}`,
      );
    }
    if (this.received + chunk.data.byteLength > this.buffer.length || this.nextIndex >= this.expectedChunks) {
      throw new WireFormatError(
        'OVERFLOW',
        `more data than the declared ${this.buffer.length} bytes in ${this.expectedChunks} chunks`,
      );
    }
    this.buffer.set(chunk.data, this.received);
    this.hash.update(chunk.data);
    this.received += chunk.data.byteLength;
    this.nextIndex++;
  }

  get receivedBytes(): number {
    return this.received;
  }

  finish(): Buffer {
    if (this.received !== this.buffer.length || this.nextIndex !== this.expectedChunks) {
      throw new WireFormatError(
        'INCOMPLETE',
        `payload ended after ${this.received} of ${this.buffer.length} bytes (${this.nextIndex} of ${this.expectedChunks} chunks)`,
      );
    }
    if (!this.hash.digest().equals(this.expectedHash)) {
      throw new WireFormatError('HASH_MISMATCH', 'payload sha256 does not match its header');
    }
    return this.buffer;
  }
}
