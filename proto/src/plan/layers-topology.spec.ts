import { layersModelTopology, templateDenseLayers, weightsManifest } from './layers-topology';
import { modelLayout } from './model-layout';
import { parseTrainingPlan, type TrainingPlan } from './training-plan';

const schema = {
  features: [
    { name: 'income', type: 'numeric', log1p: true, center: 10, scale: 2 },
    { name: 'segment', type: 'categorical', vocabulary: ['retail', 'sme', 'corporate'] },
  ],
  target: { name: 'default' },
};
const mlp = parseTrainingPlan({ name: 'mlp-plan', schema, model: { template: 'mlp', hiddenUnits: [5, 3], activation: 'tanh' } });
const logistic = parseTrainingPlan({ name: 'lr-plan', schema, model: { template: 'logistic_regression' } });

describe('layersModelTopology', () => {
  it('is a Sequential of Dense layers named dense_i with the input width on the first', () => {
    const t = layersModelTopology(mlp);
    expect(t.class_name).toBe('Sequential');
    expect(t.backend).toBe('tensor_flow.js');
    expect(t.config.name).toBe('mlp-plan');
    expect(t.config.layers.map((l) => [l.class_name, l.config.name, l.config.units, l.config.activation])).toEqual([
      ['Dense', 'dense_0', 5, 'tanh'],
      ['Dense', 'dense_1', 3, 'tanh'],
      ['Dense', 'dense_2', 1, 'sigmoid'],
    ]);
    expect(t.config.layers[0].config.batch_input_shape).toEqual([null, 4]);
    expect(t.config.layers[0].config.dtype).toBe('float32');
    expect(t.config.layers.slice(1).every((l) => l.config.batch_input_shape === undefined)).toBe(true);
    expect(t.config.layers.every((l) => l.config.use_bias)).toBe(true);
  });

  it('gives logistic regression one sigmoid unit', () => {
    const layers = layersModelTopology(logistic).config.layers;
    expect(layers).toHaveLength(1);
    expect(layers[0].config).toMatchObject({ units: 1, activation: 'sigmoid', batch_input_shape: [null, 4] });
  });

  it('refuses a template it cannot express, by name', () => {
    const odd = { ...logistic, model: { template: 'transformer' } } as unknown as TrainingPlan;
    expect(() => layersModelTopology(odd)).toThrow(/model template "transformer" cannot be exported/);
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
    expect(manifest.map((w) => w.name)).toEqual(['dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    expect(manifest[0]).toEqual({ name: 'dense_0/kernel', shape: [4, 5], dtype: 'float32' });
    const total = manifest.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(total).toBe(layout.numParams);
  });

  it('matches the tensors templateDenseLayers hands out', () => {
    const layers = templateDenseLayers(mlp);
    expect(layers.map((l) => [l.kernel.name, l.bias?.name])).toEqual([
      ['dense_0/kernel', 'dense_0/bias'],
      ['dense_1/kernel', 'dense_1/bias'],
      ['dense_2/kernel', 'dense_2/bias'],
    ]);
  });
});
