import { modelLayout } from './model-layout';
import type { TrainingPlan } from './training-plan';

/** mulberry32: tiny, fast, and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Glorot-uniform kernels and zero biases from the plan's seed. The coordinator
 * publishes these as model version 0 without running TensorFlow.
 */
export function initialWeights(plan: Pick<TrainingPlan, 'schema' | 'model' | 'seed'>): Float32Array {
  const layout = modelLayout(plan);
  const weights = new Float32Array(layout.numParams);
  const random = seededRandom(plan.seed);
  for (const t of layout.tensors) {
    if (t.shape.length !== 2) continue;
    const [fanIn, fanOut] = t.shape;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < t.size; i++) weights[t.offset + i] = (random() * 2 - 1) * limit;
  }
  return weights;
}
