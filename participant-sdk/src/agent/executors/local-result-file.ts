import * as fs from 'fs';
import * as path from 'path';
import { encodeFloat32 } from '@syndicate/protocol';

/** The bank's own audit trail: what it trained from and what it computed, never leaving the premises. */
export function keepLocalResult(
  dir: string | undefined,
  r: { roundNumber: number; roundId: string; weights: Float32Array; numSamples: number; global: Float32Array },
): void {
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `round-${r.roundNumber}`);
  fs.writeFileSync(`${base}.f32`, encodeFloat32(r.weights));
  fs.writeFileSync(`${base}.base.f32`, encodeFloat32(r.global));
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify({ roundId: r.roundId, numSamples: r.numSamples, numParams: r.weights.length }),
  );
}
