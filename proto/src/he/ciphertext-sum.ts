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

/**
 * A running encrypted sum kept loaded in SEAL, for a coordinator that adds many
 * updates: each add validates the update's ciphertexts and adds them in place,
 * without re-reading or re-serialising the sum. Durability is the caller's: it
 * persists each accepted update and can rebuild the sum from them.
 */
export class EncryptedSum {
  private cts: ReturnType<typeof loadCiphertext>[] | null = null;
  private count = 0;

  constructor(
    private readonly rt: HeRuntime,
    readonly expected: { keyEpoch: number; valueCount: number },
  ) {}

  get contributors(): number {
    return this.count;
  }

  /** Validates every ciphertext first: a bad one leaves the sum as it was. */
  add(update: Uint8Array): void {
    const h = checkHePayload(this.rt, update, { ...this.expected, kind: 'update' });
    const incoming = [...ciphertextSlices(update, h)].map((bytes, i) => loadCiphertext(this.rt, bytes, i));
    if (!this.cts) {
      this.cts = incoming;
    } else {
      this.cts.forEach((acc, i) => this.rt.evaluator.add(acc, incoming[i], acc));
      incoming.forEach((ct) => ct.delete());
    }
    this.count++;
  }

  /** The sum as a framed payload members can download and decrypt. */
  serialize(): Buffer {
    if (!this.cts) throw new WireFormatError('INCOMPLETE', 'the sum holds no update yet');
    const header: HePayloadHeader = { parameterSetId: this.rt.params.id, kind: 'sum', keyEpoch: this.expected.keyEpoch, ciphertextCount: this.cts.length, ciphertextBytes: this.rt.sumCiphertextBytes, valueCount: this.expected.valueCount };
    return Buffer.concat([writeHeHeader(header), ...this.cts.map((ct) => Buffer.from(ct.saveArray(this.rt.seal.ComprModeType.none)))]);
  }

  dispose(): void {
    this.cts?.forEach((ct) => ct.delete());
    this.cts = null;
  }
}
