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
 * Deterministic split from the plan's seed, so a bank's holdout is the same rows
 * in every round and every run (metrics comparable across rounds). Keeps at
 * least one row on each side.
 */
export function splitHoldout(ds: Dataset, fraction: number, seed: number): { train: Dataset; holdout: Dataset } {
  if (ds.rows < 2) throw new Error(`need at least 2 data rows to split a holdout, got ${ds.rows}`);
  const order = Array.from({ length: ds.rows }, (_, i) => i);
  const rand = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nHold = Math.min(ds.rows - 1, Math.max(1, Math.round(ds.rows * fraction)));
  const holdout = order.slice(0, nHold).sort((a, b) => a - b);
  const train = order.slice(nHold).sort((a, b) => a - b);
  return { train: subset(ds, train), holdout: subset(ds, holdout) };
}
