import { seededRandom } from '@syndicate/protocol';
import type { Dataset } from './csv-dataset';

function subset(ds: Dataset, indices: number[]): Dataset {
  const features = new Float32Array(indices.length * ds.inputDim);
  const labels = new Float32Array(indices.length);
  indices.forEach((src, dst) => {
    features.set(ds.features.subarray(src * ds.inputDim, (src + 1) * ds.inputDim), dst * ds.inputDim);
    labels[dst] = ds.labels[src];
  });
  return { features, labels, rows: indices.length, inputDim: ds.inputDim };
}

/**
 * Which rows are held out (1) and which train (0): deterministic from the plan's
 * seed, so a bank's holdout is the same rows in every round and every run
 * (metrics comparable across rounds). Keeps at least one row on each side.
 */
export function holdoutMask(rows: number, fraction: number, seed: number): Uint8Array {
  if (rows < 2) throw new Error(`need at least 2 data rows to split a holdout, got ${rows}`);
  const order = Array.from({ length: rows }, (_, i) => i);
  const rand = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nHold = Math.min(rows - 1, Math.max(1, Math.round(rows * fraction)));
  const mask = new Uint8Array(rows);
  for (const i of order.slice(0, nHold)) mask[i] = 1;
  return mask;
}

export function splitHoldout(ds: Dataset, fraction: number, seed: number): { train: Dataset; holdout: Dataset } {
  const mask = holdoutMask(ds.rows, fraction, seed);
  const holdout: number[] = [];
  const train: number[] = [];
  mask.forEach((held, i) => (held ? holdout : train).push(i));
  return { train: subset(ds, train), holdout: subset(ds, holdout) };
}

/**
 * A holdout's validation rows (they choose the model: selection, early stopping, promotion) and
 * test rows (they only report). Fixed by the plan's seed like the holdout itself; a one-row
 * holdout has no test rows.
 */
export function splitValidationTest(
  holdout: Dataset,
  validationFraction: number,
  seed: number,
): { validation: Dataset; test: Dataset } {
  if (holdout.rows < 2) return { validation: holdout, test: subset(holdout, []) };
  // A different stream than the holdout's own shuffle, derived from the same seed.
  const testMask = holdoutMask(holdout.rows, 1 - validationFraction, (seed + 0x9e3779b) % 2 ** 31);
  const validation: number[] = [];
  const test: number[] = [];
  testMask.forEach((isTest, i) => (isTest ? test : validation).push(i));
  return { validation: subset(holdout, validation), test: subset(holdout, test) };
}
