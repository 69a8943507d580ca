import type { SEALLibrary } from 'node-seal/implementation/seal';
import type { PlainText } from 'node-seal/implementation/plain-text';
import type { CipherText } from 'node-seal/implementation/cipher-text';
import {
  DEFAULT_HE_PARAMETER_SET,
  HeKeyHolder,
  EncryptedSum,
  decodeAggregate,
  encodeFloat32,
  decodeFloat32,
  encodeWeightedDelta,
  generateFederationKey,
  secureAggregationSpec,
  seededRandom,
  updateFieldCount,
} from '@syndicate/protocol';

export interface CodecFigures {
  wire_bytes_per_param: number;
  encrypt_params_per_s: number;
  decrypt_params_per_s: number;
  aggregate_params_per_s: number;
  note?: string;
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

function randomDelta(n: number, seed: number): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n }, () => (r() - 0.5) * 0.2);
}

/** Syndicate's codec: quantize, pack two values per slot, seeded symmetric BFV; the coordinator-side add. */
export async function syndicateBfv(params: number, maxParticipants: number): Promise<CodecFigures> {
  const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants });
  const holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1));
  try {
    const delta = randomDelta(params, 1);
    let t0 = process.hrtime.bigint();
    const payload = holder.encrypt(encodeWeightedDelta(delta, 0.5, spec, seededRandom(2)).fields);
    const encrypt = params / seconds(t0);
    // The coordinator's path: validate each update's ciphertexts and add them into the loaded sum.
    const running = new EncryptedSum(holder.rt, { keyEpoch: 1, valueCount: updateFieldCount(spec, params) });
    running.add(payload);
    t0 = process.hrtime.bigint();
    const adds = 3;
    for (let i = 0; i < adds; i++) running.add(payload);
    const aggregate = (adds * params) / seconds(t0);
    const sum = running.serialize();
    running.dispose();
    t0 = process.hrtime.bigint();
    decodeAggregate(holder.decrypt(sum), params, adds + 1, spec);
    const decrypt = params / seconds(t0);
    return {
      wire_bytes_per_param: payload.length / params,
      encrypt_params_per_s: encrypt,
      decrypt_params_per_s: decrypt,
      aggregate_params_per_s: aggregate,
      note: `${DEFAULT_HE_PARAMETER_SET}, ${spec.bits}-bit stochastic quantization with headroom for ${maxParticipants} members; aggregate: validate (load) each update ciphertext and add it into the loaded running sum, as the coordinator does`,
    };
  } finally {
    holder.dispose();
  }
}

/** A CKKS configuration as a framework ships it: ring size, coefficient modulus, scale, how it encrypts. */
export interface CkksConfig {
  polyModulusDegree: number;
  coeffModulusBits: number[];
  scaleBits: number;
  /** `public`: a fresh public-key ciphertext (two polynomials); `seeded`: symmetric, the second polynomial sent as a seed. */
  encryption: 'public' | 'seeded';
  label: string;
}

export const CKKS_CONFIGS: Record<string, CkksConfig> = {
  ckks_baseline: {
    polyModulusDegree: 8192,
    coeffModulusBits: [60, 40, 40, 60],
    scaleBits: 40,
    encryption: 'public',
    label: 'the heaviest common configuration: N = 8192, [60, 40, 40, 60], scale 2^40, public-key encryption',
  },
  ckks_flare_default: {
    polyModulusDegree: 8192,
    coeffModulusBits: [60, 40, 40],
    scaleBits: 40,
    encryption: 'public',
    label: "NVIDIA FLARE's default (TenSEAL): N = 8192, [60, 40, 40], scale 2^40, public-key encryption",
  },
  ckks_seeded_symmetric: {
    polyModulusDegree: 8192,
    coeffModulusBits: [60, 40, 40],
    scaleBits: 40,
    encryption: 'seeded',
    label: "FLARE's parameters with seeded symmetric encryption (members share the secret key, as Syndicate's do)",
  },
  ckks_addition_only: {
    polyModulusDegree: 4096,
    coeffModulusBits: [60],
    scaleBits: 40,
    encryption: 'seeded',
    label: 'CKKS tuned for addition only: N = 4096, one 60-bit prime, scale 2^40, seeded symmetric encryption',
  },
};

/** One CKKS configuration: one value per slot, SEAL's default zstd compression on the wire. */
export async function ckksBaseline(
  params: number,
  cfg: CkksConfig = CKKS_CONFIGS.ckks_baseline,
): Promise<CodecFigures> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
  const seal = await (require('node-seal/throws_wasm_node_umd') as () => Promise<SEALLibrary>)();
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(cfg.polyModulusDegree);
  parms.setCoeffModulus(seal.CoeffModulus.Create(cfg.polyModulusDegree, Int32Array.from(cfg.coeffModulusBits)));
  // One prime leaves no special prime for key switching: fine, sums need none.
  const context = seal.Context(parms, cfg.coeffModulusBits.length > 1, seal.SecurityLevel.tc128);
  const keygen = seal.KeyGenerator(context);
  const sk = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const encoder = seal.CKKSEncoder(context);
  const encryptor = seal.Encryptor(context, pk, sk);
  const decryptor = seal.Decryptor(context, sk);
  const evaluator = seal.Evaluator(context);
  const scale = Math.pow(2, cfg.scaleBits);
  const slots = encoder.slotCount;
  const cts = Math.ceil(params / slots);
  const values = Float64Array.from(randomDelta(slots, 3));
  const encryptOne = (compression: number): Uint8Array => {
    const plain = encoder.encode(values, scale) as PlainText;
    let out: Uint8Array;
    if (cfg.encryption === 'seeded') {
      const ser = encryptor.encryptSymmetricSerializable(plain);
      out = ser.saveArray(compression as never);
      ser.delete();
    } else {
      const ct = encryptor.encrypt(plain) as CipherText;
      out = ct.saveArray(compression as never);
      ct.delete();
    }
    plain.delete();
    return out;
  };
  let t0 = process.hrtime.bigint();
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < cts; i++) blobs.push(encryptOne(seal.ComprModeType.zstd));
  const encrypt = (cts * slots) / seconds(t0);
  const sum = seal.CipherText();
  sum.loadArray(context, blobs[0]);
  const c = seal.CipherText();
  t0 = process.hrtime.bigint();
  for (const b of blobs) {
    c.loadArray(context, b);
    evaluator.add(sum, c, sum);
  }
  const aggregate = (cts * slots) / seconds(t0);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < cts; i++) {
    const plain = decryptor.decrypt(sum) as PlainText;
    encoder.decode(plain);
    plain.delete();
  }
  const decrypt = (cts * slots) / seconds(t0);
  const bytes = blobs.reduce((s, b) => s + b.length, 0);
  const uncompressed = encryptOne(seal.ComprModeType.none).length / slots;
  for (const o of [c, sum, encoder, encryptor, decryptor, evaluator, pk, sk, keygen, context, parms]) o.delete();
  return {
    wire_bytes_per_param: bytes / (cts * slots),
    encrypt_params_per_s: encrypt,
    decrypt_params_per_s: decrypt,
    aggregate_params_per_s: aggregate,
    note: `${cfg.label}; one value per slot; measured on ${cts * slots} parameters (${cts} ciphertexts) and extrapolated per parameter; serialized with SEAL's default zstd (${uncompressed.toFixed(1)} bytes/param uncompressed); aggregate: load and add a ciphertext, as a coordinator would`,
  };
}

/** 2048-bit Paillier (paillier-bigint), one fixed-point value per ciphertext: the naive form. */
export async function paillierBaseline(params: number): Promise<CodecFigures> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
  const paillier = require('paillier-bigint') as typeof import('paillier-bigint');
  const { publicKey, privateKey } = await paillier.generateRandomKeys(2048);
  const values = Array.from(randomDelta(params, 4), (v) => BigInt(Math.round(v * 2 ** 24)) + 2n ** 40n);
  let t0 = process.hrtime.bigint();
  const cts = values.map((v) => publicKey.encrypt(v));
  const encrypt = params / seconds(t0);
  t0 = process.hrtime.bigint();
  const sums = cts.map((c) => publicKey.addition(c, c));
  const aggregate = params / seconds(t0);
  t0 = process.hrtime.bigint();
  for (const s of sums) privateKey.decrypt(s);
  const decrypt = params / seconds(t0);
  // A ciphertext is an element of Z*_{n^2}: 4096 bits.
  const bytes = cts.reduce((s, c) => s + Math.ceil(c.toString(16).length / 2), 0);
  return {
    wire_bytes_per_param: bytes / params,
    encrypt_params_per_s: encrypt,
    decrypt_params_per_s: decrypt,
    aggregate_params_per_s: aggregate,
    note: `measured on ${params} parameters and extrapolated per parameter (too slow for 1M)`,
  };
}

/**
 * Packed 2048-bit Paillier: 136 fields of 15 bits (8-bit stochastic values with headroom for
 * 100 members, as Syndicate quantizes) in each plaintext, so one 4096-bit ciphertext carries 136 values.
 */
export async function packedPaillierBaseline(ciphertexts: number): Promise<CodecFigures> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
  const paillier = require('paillier-bigint') as typeof import('paillier-bigint');
  const { publicKey, privateKey } = await paillier.generateRandomKeys(2048);
  const FIELDS = 136;
  const BITS = 15n;
  const params = ciphertexts * FIELDS;
  const r = seededRandom(6);
  const values = Array.from({ length: params }, () => Math.floor(r() * 256));
  let t0 = process.hrtime.bigint();
  const cts: bigint[] = [];
  for (let k = 0; k < ciphertexts; k++) {
    let packed = 0n;
    for (let j = 0; j < FIELDS; j++) packed = (packed << BITS) | BigInt(values[k * FIELDS + j]);
    cts.push(publicKey.encrypt(packed));
  }
  const encrypt = params / seconds(t0);
  t0 = process.hrtime.bigint();
  const sums = cts.map((c) => publicKey.addition(c, c));
  const aggregate = params / seconds(t0);
  t0 = process.hrtime.bigint();
  const mask = (1n << BITS) - 1n;
  for (const s of sums) {
    let m = privateKey.decrypt(s);
    for (let j = 0; j < FIELDS; j++, m >>= BITS) Number(m & mask);
  }
  const decrypt = params / seconds(t0);
  return {
    wire_bytes_per_param: 512 / FIELDS,
    encrypt_params_per_s: encrypt,
    decrypt_params_per_s: decrypt,
    aggregate_params_per_s: aggregate,
    note: `2048-bit Paillier (paillier-bigint), ${FIELDS} fields of ${BITS} bits per plaintext, one 4096-bit (512-byte) ciphertext per ${FIELDS} values; measured on ${ciphertexts} ciphertexts (${params} parameters) and extrapolated per parameter`,
  };
}

export function plaintextFloat32(params: number): CodecFigures {
  const w = Float32Array.from(randomDelta(params, 5));
  let t0 = process.hrtime.bigint();
  const bytes = encodeFloat32(w);
  const encode = params / seconds(t0);
  t0 = process.hrtime.bigint();
  const decoded = decodeFloat32(bytes, params);
  const decode = params / seconds(t0);
  const acc = new Float64Array(params);
  t0 = process.hrtime.bigint();
  for (let k = 0; k < 3; k++) for (let i = 0; i < params; i++) acc[i] += 1000 * decoded[i];
  const aggregate = (3 * params) / seconds(t0);
  return {
    wire_bytes_per_param: bytes.length / params,
    encrypt_params_per_s: encode,
    decrypt_params_per_s: decode,
    aggregate_params_per_s: aggregate,
    note: 'no encryption: encode/decode of little-endian float32 and a weighted add',
  };
}
