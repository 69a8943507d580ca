import { denseLayerWeights, layersModelTopology, weightsManifest } from './layers-topology';
import { modelLayout } from './model-layout';
import { parseTrainingPlan, type TrainingPlan } from './training-plan';

const schema = {
  features: [
    { name: 'income', type: 'numeric', log1p: true, center: 10, scale: 2 },
    { name: 'segment', type: 'categorical', vocabulary: ['retail', 'sme', 'corporate'] },
  ],
  target: { name: 'default' },
};
const mlp = parseTrainingPlan({
  name: 'mlp-plan',
  schema,
  model: { template: 'mlp', hiddenUnits: [5, 3], activation: 'tanh' },
});
const logistic = parseTrainingPlan({ name: 'lr-plan', schema, model: { template: 'logistic_regression' } });

describe('layersModelTopology', () => {
  it('is a Sequential of Dense layers named dense_i with the input width on the first', () => {
    const t = layersModelTopology(mlp);
    expect(t.class_name).toBe('Sequential');
    expect(t.backend).toBe('tensor_flow.js');
    expect(t.config.name).toBe('mlp-plan');
    expect(
      t.config.layers.map((l) =>
        l.class_name === 'Dense' ? [l.class_name, l.config.name, l.config.units, l.config.activation] : [],
      ),
    ).toEqual([
      ['Dense', 'dense_0', 5, 'tanh'],
      ['Dense', 'dense_1', 3, 'tanh'],
      ['Dense', 'dense_2', 1, 'sigmoid'],
    ]);
    expect(t.config.layers[0].config.batch_input_shape).toEqual([null, 4]);
    expect(t.config.layers[0].config.dtype).toBe('float32');
    expect(t.config.layers.slice(1).every((l) => l.config.batch_input_shape === undefined)).toBe(true);
    expect(t.config.layers.every((l) => l.class_name === 'Dense' && l.config.use_bias)).toBe(true);
  });

  it('gives logistic regression one sigmoid unit', () => {
    const layers = layersModelTopology(logistic).config.layers;
    expect(layers).toHaveLength(1);
    expect(layers[0].config).toMatchObject({ units: 1, activation: 'sigmoid', batch_input_shape: [null, 4] });
  });

  it('writes a tfjs_layers model with its Dropout, bias-free and hard_sigmoid layers as tfjs names them', () => {
    const layers = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dropout', config: { rate: 0.1, batch_input_shape: [null, 4] } },
          { class_name: 'Dense', config: { units: 3, activation: 'hard_sigmoid', use_bias: false } },
          { class_name: 'Dropout', config: { rate: 0.3 } },
          { class_name: 'Dense', config: { units: 1, activation: 'sigmoid' } },
        ],
      },
    };
    const plan = parseTrainingPlan({ name: 'custom', schema, model: { template: 'tfjs_layers', layers } });
    const t = layersModelTopology(plan).config.layers;
    expect(t.map((l) => [l.class_name, l.config.name])).toEqual([
      ['Dropout', 'dropout_0'],
      ['Dense', 'dense_0'],
      ['Dropout', 'dropout_2'],
      ['Dense', 'dense_1'],
    ]);
    expect(t[0].config).toMatchObject({ rate: 0.1, batch_input_shape: [null, 4], dtype: 'float32' });
    expect(t[1].config).toMatchObject({ activation: 'hard_sigmoid', use_bias: false });
    expect(t[1].config).not.toHaveProperty('batch_input_shape');
    expect(weightsManifest(modelLayout(plan)).map((w) => w.name)).toEqual([
      'dense_0/kernel',
      'dense_1/kernel',
      'dense_1/bias',
    ]);
    expect(denseLayerWeights(plan).map((l) => [l.name, l.bias?.name])).toEqual([
      ['dense_0', undefined],
      ['dense_1', 'dense_1/bias'],
    ]);
  });

  it('refuses a model it cannot express, saying why', () => {
    const odd = {
      ...logistic,
      model: { template: 'tfjs_layers', layers: { class_name: 'Functional' } },
    } as unknown as TrainingPlan;
    expect(() => layersModelTopology(odd)).toThrow(
      /cannot export the plan's model \(tfjs_layers\): model.layers: only a Sequential model/,
    );
  });

  it('survives a JSON round trip unchanged (no undefined or functions in it)', () => {
    const t = layersModelTopology(mlp);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});

describe('weightsManifest', () => {
  it('lists kernel then bias per layer in layout order, covering every parameter', () => {
    const layout = modelLayout(mlp);
    const manifest = weightsManifest(layout);
    expect(manifest.map((w) => w.name)).toEqual([
      'dense_0/kernel',
      'dense_0/bias',
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
    ]);
    expect(manifest[0]).toEqual({ name: 'dense_0/kernel', shape: [4, 5], dtype: 'float32' });
    const total = manifest.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(total).toBe(layout.numParams);
  });

  it('matches the tensors denseLayerWeights hands out', () => {
    const layers = denseLayerWeights(mlp);
    expect(layers.map((l) => [l.kernel.name, l.bias?.name])).toEqual([
      ['dense_0/kernel', 'dense_0/bias'],
      ['dense_1/kernel', 'dense_1/bias'],
      ['dense_2/kernel', 'dense_2/bias'],
    ]);
  });
});
