import { modelLayout, parseTrainingPlan } from '@syndicate/protocol';
import type * as TF from '@tensorflow/tfjs';
import { initTensorflow } from './backend';
import { fromModel } from './flat-weights';
import { buildModel } from './model-factory';

process.env.SYNDICATE_TF_BACKEND = 'cpu';

describe('buildModel from tfjs_layers JSON', () => {
  it('accepts what tfjs itself writes, with the layout and predictions of the original model', async () => {
    const { tf } = await initTensorflow();
    const original = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, activation: 'relu', inputShape: [3] }),
        tf.layers.dropout({ rate: 0.25 }),
        tf.layers.dense({ units: 4, activation: 'tanh', useBias: false }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const plan = parseTrainingPlan({
      name: 'from-tfjs',
      schema: {
        features: [
          { name: 'a', type: 'numeric' },
          { name: 'b', type: 'categorical', vocabulary: ['x', 'y'] },
        ],
        target: { name: 't' },
      },
      model: { template: 'tfjs_layers', layers: original.toJSON(undefined, false) },
    });
    const layout = modelLayout(plan);
    expect(layout.numParams).toBe(original.countParams());
    expect(layout.tensors.map((t) => t.shape)).toEqual(original.getWeights().map((w) => w.shape));
    const weights = fromModel(original, layout);
    const rebuilt = buildModel(tf, plan, weights);
    const x = tf.tensor2d([0.1, 1, 0, -2, 0, 1, 3, 1, 0], [3, 3]);
    try {
      const want = (original.predict(x) as TF.Tensor).dataSync();
      const got = (rebuilt.predict(x) as TF.Tensor).dataSync();
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(fromModel(rebuilt, layout)).toEqual(weights);
    } finally {
      x.dispose();
      original.dispose();
      rebuilt.dispose();
    }
  });
});
