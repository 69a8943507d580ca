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

/** CKKS as other frameworks configure it: N=8192, [60,40,40,60], scale 2^40, public-key encryption, one value per slot, SEAL's default zstd. */
export async function ckksBaseline(params: number): Promise<CodecFigures> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
  const seal = await (require('node-seal/throws_wasm_node_umd') as () => Promise<SEALLibrary>)();
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(8192);
  parms.setCoeffModulus(seal.CoeffModulus.Create(8192, Int32Array.from([60, 40, 40, 60])));
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  const keygen = seal.KeyGenerator(context);
  const sk = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const encoder = seal.CKKSEncoder(context);
  const encryptor = seal.Encryptor(context, pk);
  const decryptor = seal.Decryptor(context, sk);
  const evaluator = seal.Evaluator(context);
  const slots = encoder.slotCount;
  const cts = Math.ceil(params / slots);
  const values = Float64Array.from(randomDelta(slots, 3));
  let t0 = process.hrtime.bigint();
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < cts; i++) {
    const plain = encoder.encode(values, Math.pow(2, 40)) as PlainText;
    const ct = encryptor.encrypt(plain) as CipherText;
    blobs.push(ct.saveArray(seal.ComprModeType.zstd));
    ct.delete();
    plain.delete();
  }
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
  const plain = encoder.encode(values, Math.pow(2, 40)) as PlainText;
  const one = encryptor.encrypt(plain) as CipherText;
  const uncompressed = one.saveArray(seal.ComprModeType.none).length / slots;
  for (const o of [one, plain]) o.delete();
  for (const o of [c, sum, encoder, encryptor, decryptor, evaluator, pk, sk, keygen, context, parms]) o.delete();
  return {
    wire_bytes_per_param: bytes / (cts * slots),
    encrypt_params_per_s: encrypt,
    decrypt_params_per_s: decrypt,
    aggregate_params_per_s: aggregate,
    note: `measured on ${cts * slots} parameters (${cts} ciphertexts) and extrapolated per parameter; serialized with SEAL's default zstd (${uncompressed.toFixed(1)} bytes/param uncompressed)`,
  };
}

/** 2048-bit Paillier (paillier-bigint), one fixed-point value per ciphertext. */
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
