import type { CipherText } from 'node-seal/implementation/cipher-text';
import type { Decryptor } from 'node-seal/implementation/decryptor';
import type { Encryptor } from 'node-seal/implementation/encryptor';
import type { PlainText } from 'node-seal/implementation/plain-text';
import { WireFormatError } from '../wire/errors';
import { ciphertextCount, pack, unpack, type PackingLayout } from './bfv-packing';
import type { FederationKey } from './federation-key';
import { HE_HEADER_BYTES, readHeHeader, writeHeHeader, type HePayloadHeader, type HePayloadKind } from './he-payload';
import { heRuntime, type HeRuntime } from './seal-runtime';

export const layoutOf = (rt: HeRuntime): PackingLayout => ({
  slotCount: rt.slotCount,
  fieldBits: rt.params.fieldBits,
  fieldsPerSlot: rt.params.fieldsPerSlot,
});

/**
 * Checks an encrypted payload's frame against what the receiver expects, so a
 * ciphertext from another epoch or parameter set is refused by name before SEAL
 * sees a byte (SEAL cannot tell keys apart: it would decrypt to noise).
 */
export function checkHePayload(
  rt: HeRuntime,
  bytes: Uint8Array,
  expected: { keyEpoch: number; kind: HePayloadKind; valueCount?: number },
): HePayloadHeader {
  const h = readHeHeader(bytes);
  if (h.parameterSetId !== rt.params.id) {
    throw new WireFormatError(
      'PARAMETER_SET_MISMATCH',
      `ciphertext was made under parameter set #${h.parameterSetId}; this federation uses ${rt.params.name} (#${rt.params.id})`,
    );
  }
  if (h.keyEpoch !== expected.keyEpoch)
    throw new WireFormatError(
      'KEY_EPOCH_MISMATCH',
      `ciphertext was made under key epoch ${h.keyEpoch}; the round uses key epoch ${expected.keyEpoch}`,
    );
  if (h.kind !== expected.kind)
    throw new WireFormatError('BAD_DESCRIPTOR', `expected an encrypted ${expected.kind}, got ${h.kind}`);
  if (expected.valueCount !== undefined && h.valueCount !== expected.valueCount) {
    throw new WireFormatError(
      'SHAPE_MISMATCH',
      `encrypted payload carries ${h.valueCount} values, the round expects ${expected.valueCount}`,
    );
  }
  const count = ciphertextCount(layoutOf(rt), h.valueCount);
  const ctBytes = h.kind === 'update' ? rt.seededCiphertextBytes : rt.sumCiphertextBytes;
  if (h.ciphertextCount !== count || h.ciphertextBytes !== ctBytes) {
    throw new WireFormatError(
      'SHAPE_MISMATCH',
      `${h.valueCount} values need ${count} ciphertexts of ${ctBytes} bytes, header says ${h.ciphertextCount} of ${h.ciphertextBytes}`,
    );
  }
  if (bytes.length !== HE_HEADER_BYTES + count * ctBytes) {
    throw new WireFormatError(
      'BAD_LENGTH',
      `encrypted payload is ${bytes.length} bytes, its header implies ${HE_HEADER_BYTES + count * ctBytes}`,
    );
  }
  return h;
}

/** Loads one serialized ciphertext, turning SEAL's aborts into a named error. */
export function loadCiphertext(rt: HeRuntime, bytes: Uint8Array, index: number): CipherText {
  // SEAL's own header: magic 0xA15E, then the total size; checked first so
  // truncated or foreign bytes never reach the WASM parser.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 16 || view.readUInt16LE(0) !== 0xa15e || Number(view.readBigUInt64LE(8)) !== view.length) {
    throw new WireFormatError('BAD_CIPHERTEXT', `ciphertext ${index} is not a serialized SEAL ciphertext`);
  }
  const ct = rt.seal.CipherText();
  try {
    ct.loadArray(rt.context, new Uint8Array(bytes));
    return ct;
  } catch (err) {
    ct.delete();
    throw new WireFormatError(
      'BAD_CIPHERTEXT',
      `ciphertext ${index} is invalid for ${rt.params.name}: ${String(err).slice(0, 120)}`,
    );
  }
}

export function* ciphertextSlices(bytes: Uint8Array, h: HePayloadHeader): Generator<Uint8Array> {
  for (let i = 0; i < h.ciphertextCount; i++) {
    const at = HE_HEADER_BYTES + i * h.ciphertextBytes;
    yield bytes.subarray(at, at + h.ciphertextBytes);
  }
}

/** A member's handle on the federation key: encrypts its vectors, decrypts aggregates. */
export class HeKeyHolder {
  private constructor(
    readonly rt: HeRuntime,
    readonly keyEpoch: number,
    private readonly encryptor: Encryptor,
    private readonly decryptor: Decryptor,
    private readonly release: () => void,
  ) {}

  static async open(key: FederationKey): Promise<HeKeyHolder> {
    const rt = await heRuntime(key.parameterSet);
    const sk = rt.seal.SecretKey();
    sk.loadArray(rt.context, new Uint8Array(key.sealSecretKey));
    const keygen = rt.seal.KeyGenerator(rt.context, sk);
    const pk = keygen.createPublicKey();
    const encryptor = rt.seal.Encryptor(rt.context, pk, sk);
    const decryptor = rt.seal.Decryptor(rt.context, sk);
    return new HeKeyHolder(rt, key.keyEpoch, encryptor, decryptor, () =>
      [encryptor, decryptor, pk, keygen, sk].forEach((o) => o.delete()),
    );
  }

  /** Seeded symmetric ciphertexts: half the bytes of public-key ones. */
  encrypt(fields: ArrayLike<number>): Buffer {
    return this.encryptSlots(pack(fields, layoutOf(this.rt)), fields.length);
  }

  /**
   * Packed slot vectors (one per ciphertext, values below the plain modulus) carrying `valueCount`
   * fields: the hook for masking, which works on packed slots between pack and encrypt.
   */
  encryptSlots(slots: readonly Uint32Array[], valueCount: number): Buffer {
    const { seal, encoder } = this.rt;
    const count = ciphertextCount(layoutOf(this.rt), valueCount);
    if (slots.length !== count || slots.some((s) => s.length !== this.rt.slotCount)) {
      throw new RangeError(`${valueCount} values need ${count} slot vectors of ${this.rt.slotCount} slots`);
    }
    const parts: Buffer[] = [
      writeHeHeader({
        parameterSetId: this.rt.params.id,
        kind: 'update',
        keyEpoch: this.keyEpoch,
        ciphertextCount: slots.length,
        ciphertextBytes: this.rt.seededCiphertextBytes,
        valueCount,
      }),
    ];
    for (const s of slots) {
      const plain = encoder.encode(s) as PlainText;
      const ser = this.encryptor.encryptSymmetricSerializable(plain);
      parts.push(Buffer.from(ser.saveArray(seal.ComprModeType.none)));
      ser.delete();
      plain.delete();
    }
    return Buffer.concat(parts);
  }

  /** Decrypts a sum (or a single update) back to its packed fields. */
  decrypt(payload: Uint8Array, kind: HePayloadKind = 'sum'): Float64Array {
    const { slots, valueCount } = this.decryptSlots(payload, kind);
    return unpack(slots, valueCount, layoutOf(this.rt));
  }

  /** Decrypts to the packed slot vectors (mod the plain modulus), before unpacking: where masks come off. */
  decryptSlots(payload: Uint8Array, kind: HePayloadKind = 'sum'): { slots: Uint32Array[]; valueCount: number } {
    const h = checkHePayload(this.rt, payload, { keyEpoch: this.keyEpoch, kind });
    const slots: Uint32Array[] = [];
    let i = 0;
    for (const bytes of ciphertextSlices(payload, h)) {
      const ct = loadCiphertext(this.rt, bytes, i++);
      const plain = this.decryptor.decrypt(ct) as PlainText;
      slots.push(Uint32Array.from(this.rt.encoder.decode(plain, false)));
      plain.delete();
      ct.delete();
    }
    return { slots, valueCount: h.valueCount };
  }

  dispose(): void {
    this.release();
  }
}

export async function heRuntimeFor(key: Pick<FederationKey, 'parameterSet'>): Promise<HeRuntime> {
  return heRuntime(key.parameterSet);
}
