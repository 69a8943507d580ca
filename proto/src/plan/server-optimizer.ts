import type { ServerOptimizerState } from '../strategies/server-optimizer-strategy';

// The algorithms live one per file in ../strategies; this entry point stays for existing callers on both sides.
export { applyServerOptimizer } from '../strategies/registry';
export type { ServerOptimizerState } from '../strategies/server-optimizer-strategy';

const MAGIC = 0x53534f31; // "SSO1"
const HEADER_BYTES = 16;

/** Bytes: magic u32, step u32, n u32, reserved u32, then m and v as n float32 each, little-endian. */
export function encodeServerOptimizerState(state: ServerOptimizerState): Uint8Array {
  const n = state.m.length;
  if (state.v.length !== n) throw new Error(`server optimizer state: m has ${n} values, v has ${state.v.length}`);
  const out = new Uint8Array(HEADER_BYTES + 8 * n);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, state.step, true);
  view.setUint32(8, n, true);
  view.setUint32(12, 0, true);
  for (let i = 0; i < n; i++) {
    view.setFloat32(HEADER_BYTES + 4 * i, state.m[i], true);
    view.setFloat32(HEADER_BYTES + 4 * (n + i), state.v[i], true);
  }
  return out;
}

export function decodeServerOptimizerState(bytes: Uint8Array): ServerOptimizerState {
  if (bytes.length < HEADER_BYTES)
    throw new Error(`server optimizer state: ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('server optimizer state: not a state (bad magic)');
  const step = view.getUint32(4, true);
  const n = view.getUint32(8, true);
  if (bytes.length !== HEADER_BYTES + 8 * n)
    throw new Error(
      `server optimizer state: ${bytes.length} bytes, expected ${HEADER_BYTES + 8 * n} for ${n} parameters`,
    );
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    m[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
    v[i] = view.getFloat32(HEADER_BYTES + 4 * (n + i), true);
  }
  return { m, v, step };
}
