import { WireFormatError } from '../wire/errors';
import { ciphertextCount } from './bfv-packing';
import { checkHePayload, ciphertextSlices, layoutOf, loadCiphertext } from './he-codec';
import { writeHeHeader, type HePayloadHeader } from './he-payload';
import type { HeRuntime } from './seal-runtime';

/**
 * The coordinator's side of secure aggregation: adds encrypted updates without
 * any key. Every ciphertext of an update is loaded (validated) before the first
 * is added, so a payload with one bad ciphertext leaves the sum unchanged.
 * Memory is one sum plus one update: O(model), whatever the number of members.
 */
export function addEncrypted(rt: HeRuntime, sum: Buffer | null, update: Uint8Array, expected: { keyEpoch: number; valueCount: number }): Buffer {
  const h = checkHePayload(rt, update, { ...expected, kind: 'update' });
  const incoming = [...ciphertextSlices(update, h)].map((bytes, i) => {
    try {
      return loadCiphertext(rt, bytes, i);
    } catch (err) {
      throw err instanceof WireFormatError ? err : new WireFormatError('BAD_CIPHERTEXT', String(err));
    }
  });
  const out: Buffer[] = [];
  const header: HePayloadHeader = { parameterSetId: rt.params.id, kind: 'sum', keyEpoch: expected.keyEpoch, ciphertextCount: h.ciphertextCount, ciphertextBytes: rt.sumCiphertextBytes, valueCount: h.valueCount };
  out.push(writeHeHeader(header));
  try {
    const sums = sum ? [...ciphertextSlices(sum, checkHePayload(rt, sum, { ...expected, kind: 'sum' }))] : [];
    incoming.forEach((ct, i) => {
      if (sums[i]) {
        const acc = loadCiphertext(rt, sums[i], i);
        rt.evaluator.add(acc, ct, acc);
        out.push(Buffer.from(acc.saveArray(rt.seal.ComprModeType.none)));
        acc.delete();
      } else {
        out.push(Buffer.from(ct.saveArray(rt.seal.ComprModeType.none)));
      }
    });
  } finally {
    incoming.forEach((ct) => ct.delete());
  }
  const result = Buffer.concat(out);
  if (result.length !== 24 + header.ciphertextCount * header.ciphertextBytes) throw new WireFormatError('BAD_LENGTH', 'sum has an unexpected size');
  return result;
}

export const encryptedSizeFor = (rt: HeRuntime, valueCount: number): number => 24 + ciphertextCount(layoutOf(rt), valueCount) * rt.seededCiphertextBytes;
