import * as fs from 'fs';
import * as path from 'path';
import { writePrivateFile } from '../common/private-file';

/** One round's model as this member computed it from the round's sum: its payload's SHA-256. */
export interface AppliedModel {
  round: number;
  sha256: string;
}

/**
 * What this member computed from each recent sum, kept in its state directory so an agent
 * restarted between rounds still compares the next base model with its own (global-model.ts).
 * Only digests: a model's bytes stay where the registry and the bank keep them.
 */
export const appliedModelsPath = (stateDir: string): string => path.join(stateDir, 'applied-models.json');

export function saveAppliedModels(stateDir: string, models: readonly AppliedModel[]): void {
  writePrivateFile(appliedModelsPath(stateDir), `${JSON.stringify({ applied: models })}\n`);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The recorded digests; none when the file does not exist. A damaged file is an error naming the fix, never ignored. */
export function loadAppliedModels(stateDir: string): AppliedModel[] {
  const file = appliedModelsPath(stateDir);
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `${file} is not readable JSON (${err instanceof Error ? err.message : String(err)}); delete it to trust the next served model without comparison`,
    );
  }
  const list = (parsed as { applied?: unknown } | null)?.applied;
  const valid =
    Array.isArray(list) &&
    list.every(
      (m: Partial<AppliedModel>) =>
        !!m && Number.isSafeInteger(m.round) && typeof m.sha256 === 'string' && SHA256_HEX.test(m.sha256),
    );
  if (!valid)
    throw new Error(
      `${file} does not hold applied models ({"applied": [{"round": integer, "sha256": 64 hex digits}]}); delete it to trust the next served model without comparison`,
    );
  return list as AppliedModel[];
}
