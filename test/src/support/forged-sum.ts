import { ciphertextSlices, loadCiphertext, readHeHeader, writeHeHeader, type HeRuntime } from '@syndicate/protocol';

/**
 * What a coordinator can make without any key: a "sum" payload adding and negating members'
 * uploaded ciphertexts, e.g. [[b, 1]] (one bank's), [[b, 1], [a, 1], [a, -1]] (B + A - A), [[b, 1], [b, 1]] (2B).
 */
export function forgeSum(rt: HeRuntime, parts: [payload: Buffer, sign: 1 | -1][]): Buffer {
  const header = readHeHeader(parts[0][0]);
  let acc: ReturnType<typeof loadCiphertext>[] | undefined;
  for (const [payload, sign] of parts) {
    const cts = [...ciphertextSlices(payload, readHeHeader(payload))].map((bytes, i) => loadCiphertext(rt, bytes, i));
    if (sign < 0) for (const ct of cts) rt.evaluator.negate(ct, ct);
    if (!acc) acc = cts;
    else
      cts.forEach((ct, i) => {
        rt.evaluator.add(acc![i], ct, acc![i]);
        ct.delete();
      });
  }
  const out = Buffer.concat([
    writeHeHeader({ ...header, kind: 'sum', ciphertextBytes: rt.sumCiphertextBytes }),
    ...acc!.map((ct) => Buffer.from(ct.saveArray(rt.seal.ComprModeType.none))),
  ]);
  acc!.forEach((ct) => ct.delete());
  return out;
}
