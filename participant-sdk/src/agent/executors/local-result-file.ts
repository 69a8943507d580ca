import * as path from 'path';
import { encodeFloat32 } from '@syndicate/protocol';
import { writePrivateFile } from '../../common/private-file';

/** The bank's own audit trail: what it trained from and what it computed, never leaving the premises (0600). */
export function keepLocalResult(
  dir: string | undefined,
  r: { roundNumber: number; roundId: string; weights: Float32Array; numSamples: number; global: Float32Array },
): void {
  if (!dir) return;
  const base = path.join(dir, `round-${r.roundNumber}`);
  writePrivateFile(`${base}.f32`, encodeFloat32(r.weights));
  writePrivateFile(`${base}.base.f32`, encodeFloat32(r.global));
  writePrivateFile(
    `${base}.json`,
    JSON.stringify({ roundId: r.roundId, numSamples: r.numSamples, numParams: r.weights.length }),
  );
}
