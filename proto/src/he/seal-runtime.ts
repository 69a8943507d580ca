import type { SEALLibrary } from 'node-seal/implementation/seal';
import type { Context } from 'node-seal/implementation/context';
import type { BatchEncoder } from 'node-seal/implementation/batch-encoder';
import type { Evaluator } from 'node-seal/implementation/evaluator';
import type { PlainText } from 'node-seal/implementation/plain-text';
import type { CipherText } from 'node-seal/implementation/cipher-text';
import { HeParameterError, parameterSet, type HeParameterSet } from './parameter-sets';

export interface HeRuntime {
  seal: SEALLibrary;
  params: HeParameterSet;
  context: Context;
  encoder: BatchEncoder;
  evaluator: Evaluator;
  slotCount: number;
  /** BFV plain modulus t: slot values (and pairwise masks) live modulo it. */
  plainModulus: number;
  /** Serialized size of one fresh seeded ciphertext (uploads). */
  seededCiphertextBytes: number;
  /** Serialized size of a sum of ciphertexts (no longer seeded). */
  sumCiphertextBytes: number;
  /** The RNS primes of the coefficient modulus, in SEAL's limb order. */
  coeffModuli: bigint[];
}

let library: Promise<SEALLibrary> | undefined;
const runtimes = new Map<string, Promise<HeRuntime>>();

/** node-seal 7 does not load on Node 20; 6.0.3's UMD build does, from CommonJS. */
function loadSeal(): Promise<SEALLibrary> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
  library ??= (require('node-seal/throws_wasm_node_umd') as () => Promise<SEALLibrary>)();
  return library;
}

/** Context, encoder and evaluator for a named parameter set, built once per process. */
export function heRuntime(name: string): Promise<HeRuntime> {
  let r = runtimes.get(name);
  if (!r) {
    r = build(parameterSet(name));
    runtimes.set(name, r);
  }
  return r;
}

async function build(params: HeParameterSet): Promise<HeRuntime> {
  const seal = await loadSeal();
  const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
  parms.setPolyModulusDegree(params.polyModulusDegree);
  parms.setCoeffModulus(seal.CoeffModulus.Create(params.polyModulusDegree, Int32Array.from(params.coeffModulusBits)));
  parms.setPlainModulus(seal.PlainModulus.Batching(params.polyModulusDegree, params.plainModulusBits));
  // SEAL itself refuses parameters weaker than 128-bit security here.
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  if (!context.parametersSet())
    throw new HeParameterError(`${params.name}: SEAL rejects these parameters at 128-bit security`);
  const t = Number(parms.plainModulus.value);
  if (t <= 2 ** (params.fieldBits * params.fieldsPerSlot))
    throw new HeParameterError(
      `${params.name}: plain modulus ${t} cannot hold ${params.fieldsPerSlot} fields of ${params.fieldBits} bits`,
    );
  const encoder = seal.BatchEncoder(context);
  const evaluator = seal.Evaluator(context);
  // Measure the fixed serialized sizes once, with a throwaway key.
  const keygen = seal.KeyGenerator(context);
  const sk = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const encryptor = seal.Encryptor(context, pk, sk);
  const plain = encoder.encode(new Uint32Array(encoder.slotCount)) as PlainText;
  const seeded = encryptor.encryptSymmetricSerializable(plain);
  const seededBytes = seeded.saveArray(seal.ComprModeType.none).length;
  const full = encryptor.encryptSymmetric(plain) as CipherText;
  const sumBytes = full.saveArray(seal.ComprModeType.none).length;
  for (const o of [seeded, full, plain, encryptor, pk, sk, keygen]) o.delete();
  return {
    seal,
    params,
    context,
    encoder,
    evaluator,
    slotCount: encoder.slotCount,
    plainModulus: t,
    seededCiphertextBytes: seededBytes,
    sumCiphertextBytes: sumBytes,
    coeffModuli: Array.from(parms.coeffModulus, (q) => BigInt(q)),
  };
}
