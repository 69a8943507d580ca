import { WireFormatError } from '../wire/errors';
import { ciphertextCount } from './bfv-packing';
import { checkHePayload, ciphertextSlices, layoutOf, loadCiphertext } from './he-codec';
import { HE_HEADER_BYTES, writeHeHeader, type HePayloadHeader } from './he-payload';
import type { HeRuntime } from './seal-runtime';

export const encryptedSizeFor = (rt: HeRuntime, valueCount: number): number =>
  HE_HEADER_BYTES + ciphertextCount(layoutOf(rt), valueCount) * rt.seededCiphertextBytes;

/**
 * The coordinator's side of secure aggregation: a running encrypted sum kept
 * loaded in SEAL, added to without any key. Every ciphertext of an update is
 * loaded (validated) before the first is added, so a payload with one bad
 * ciphertext leaves the sum unchanged; memory is one sum plus one update,
 * whatever the number of members. Durability is the caller's: it persists each
 * accepted update and can rebuild the sum from them.
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
    const header: HePayloadHeader = {
      parameterSetId: this.rt.params.id,
      kind: 'sum',
      keyEpoch: this.expected.keyEpoch,
      ciphertextCount: this.cts.length,
      ciphertextBytes: this.rt.sumCiphertextBytes,
      valueCount: this.expected.valueCount,
    };
    return Buffer.concat([
      writeHeHeader(header),
      ...this.cts.map((ct) => Buffer.from(ct.saveArray(this.rt.seal.ComprModeType.none))),
    ]);
  }

  dispose(): void {
    this.cts?.forEach((ct) => ct.delete());
    this.cts = null;
  }
}
