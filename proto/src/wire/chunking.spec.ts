import fc from 'fast-check';
import { ChunkAssembler, describePayload, splitIntoChunks } from './chunking';
import { WireFormatError } from './errors';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof WireFormatError ? e.code : `unexpected ${String(e)}`;
  }
  return undefined;
};

describe('chunking', () => {
  it('reassembles any payload split at any chunk size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 }), (bytes, size) => {
        const d = describePayload(bytes, 'PAYLOAD_ENCODING_FLOAT32_LE', 0, size);
        const a = new ChunkAssembler(d, { maxChunkBytes: size });
        for (const c of splitIntoChunks(bytes, size)) a.push(c);
        expect(Buffer.compare(a.finish(), Buffer.from(bytes))).toBe(0);
      }),
    );
  });

  const payload = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
  const d = describePayload(payload, 'PAYLOAD_ENCODING_FLOAT32_LE', 25, 40);
  const chunks = [...splitIntoChunks(payload, 40)];

  it('refuses duplicated and out-of-order chunks', () => {
    const a = new ChunkAssembler(d, { maxChunkBytes: 40 });
    a.push(chunks[0]);
    expect(codeOf(() => a.push(chunks[0]))).toBe('OUT_OF_ORDER');
    expect(codeOf(() => a.push(chunks[2]))).toBe('OUT_OF_ORDER');
  });

  it('refuses oversized chunks, oversized totals and overflow', () => {
    expect(codeOf(() => new ChunkAssembler(d, { maxChunkBytes: 40, maxTotalBytes: 99 }))).toBe('TOO_LARGE');
    const a = new ChunkAssembler({ ...d, chunkCount: 3 }, { maxChunkBytes: 40 });
    expect(codeOf(() => a.push({ index: 0, data: Buffer.alloc(41) }))).toBe('CHUNK_TOO_LARGE');
    const b = new ChunkAssembler(d, { maxChunkBytes: 40 });
    b.push(chunks[0]);
    b.push(chunks[1]);
    expect(codeOf(() => b.push({ index: 2, data: Buffer.alloc(40) }))).toBe('OVERFLOW');
  });

  it('refuses a truncated stream and a hash mismatch', () => {
    const a = new ChunkAssembler(d, { maxChunkBytes: 40 });
    a.push(chunks[0]);
    expect(codeOf(() => a.finish())).toBe('INCOMPLETE');
    const tampered = Buffer.from(payload);
    tampered[5] ^= 1;
    const b = new ChunkAssembler(d, { maxChunkBytes: 40 });
    for (const c of splitIntoChunks(tampered, 40)) b.push(c);
    expect(codeOf(() => b.finish())).toBe('HASH_MISMATCH');
  });

  it('refuses descriptors that cannot be honest', () => {
    expect(codeOf(() => new ChunkAssembler({ ...d, totalBytes: '-1' }))).toBe('BAD_DESCRIPTOR');
    expect(codeOf(() => new ChunkAssembler({ ...d, chunkCount: 1 }, { maxChunkBytes: 40 }))).toBe('BAD_DESCRIPTOR');
    expect(codeOf(() => new ChunkAssembler({ ...d, sha256: Buffer.alloc(3) }))).toBe('BAD_DESCRIPTOR');
  });
});
