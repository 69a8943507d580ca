import { WireFormatError } from '../wire/errors';

/**
 * Frame of every BFV payload: which parameter set and key epoch it was made
 * under, and how many fixed-size ciphertexts follow. A receiver can refuse a
 * payload from the wrong epoch or parameter set before touching SEAL.
 *
 *   0  'SYHE'   4  version u8  5  parameter set id u8  6  kind u8  7  reserved
 *   8  key epoch u32   12 ciphertext count u32   16 ciphertext bytes u32   20 value count u32
 */
export const HE_HEADER_BYTES = 24;
const MAGIC = 0x53594845; // 'SYHE'
const VERSION = 1;

export type HePayloadKind = 'update' | 'sum';
const KIND_CODE: Record<HePayloadKind, number> = { update: 1, sum: 2 };

export interface HePayloadHeader {
  parameterSetId: number;
  kind: HePayloadKind;
  keyEpoch: number;
  ciphertextCount: number;
  ciphertextBytes: number;
  valueCount: number;
}

export function writeHeHeader(h: HePayloadHeader): Buffer {
  const b = Buffer.alloc(HE_HEADER_BYTES);
  b.writeUInt32BE(MAGIC, 0);
  b.writeUInt8(VERSION, 4);
  b.writeUInt8(h.parameterSetId, 5);
  b.writeUInt8(KIND_CODE[h.kind], 6);
  b.writeUInt32LE(h.keyEpoch, 8);
  b.writeUInt32LE(h.ciphertextCount, 12);
  b.writeUInt32LE(h.ciphertextBytes, 16);
  b.writeUInt32LE(h.valueCount, 20);
  return b;
}

export function readHeHeader(bytes: Uint8Array): HePayloadHeader {
  if (bytes.length < HE_HEADER_BYTES)
    throw new WireFormatError(
      'BAD_LENGTH',
      `encrypted payload is ${bytes.length} bytes, shorter than its ${HE_HEADER_BYTES}-byte header`,
    );
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, HE_HEADER_BYTES);
  if (b.readUInt32BE(0) !== MAGIC)
    throw new WireFormatError('BAD_DESCRIPTOR', 'not an encrypted Syndicate payload (bad magic)');
  if (b.readUInt8(4) !== VERSION)
    throw new WireFormatError(
      'BAD_DESCRIPTOR',
      `encrypted payload version ${b.readUInt8(4)} is not supported (expected ${VERSION})`,
    );
  const kindCode = b.readUInt8(6);
  const kind = (Object.keys(KIND_CODE) as HePayloadKind[]).find((k) => KIND_CODE[k] === kindCode);
  if (!kind) throw new WireFormatError('BAD_DESCRIPTOR', `unknown encrypted payload kind ${kindCode}`);
  return {
    parameterSetId: b.readUInt8(5),
    kind,
    keyEpoch: b.readUInt32LE(8),
    ciphertextCount: b.readUInt32LE(12),
    ciphertextBytes: b.readUInt32LE(16),
    valueCount: b.readUInt32LE(20),
  };
}
