import { initialWeights, parseTrainingPlan } from '@syndicate/protocol';
import { jsonWeights } from './json-weights';

const plan = parseTrainingPlan({
  name: 'lr',
  schema: {
    features: [
      { name: 'x', type: 'numeric' },
      { name: 'c', type: 'categorical', vocabulary: ['a', 'b'] },
    ],
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [2], activation: 'tanh' },
});

describe('jsonWeights', () => {
  it('splits the flat vector into kernel rows [input][unit] and biases, exactly', () => {
    const weights = initialWeights(plan).map((_, i) => i + 0.1);
    const doc = jsonWeights(plan, weights, { planSha256: 'ff' });
    expect(doc.format).toBe('syndicate-weights-v1');
    expect(doc.plan).toEqual({ name: 'lr', sha256: 'ff' });
    expect(doc.layers.map((l) => [l.name, l.activation])).toEqual([
      ['dense_0', 'tanh'],
      ['dense_1', 'sigmoid'],
    ]);
    const f = (v: number) => Math.fround(v);
    expect(doc.layers[0].kernel).toEqual([
      [f(0.1), f(1.1)],
      [f(2.1), f(3.1)],
      [f(4.1), f(5.1)],
    ]);
    expect(doc.layers[0].bias).toEqual([f(6.1), f(7.1)]);
    expect(doc.layers[1].kernel).toEqual([[f(8.1)], [f(9.1)]]);
    expect(doc.layers[1].bias).toEqual([f(10.1)]);
    expect(doc.inputEncoding.map((e) => e.feature)).toEqual(['x', 'c']);
  });

  it('round-trips through JSON text without losing a bit', () => {
    const weights = initialWeights(plan);
    const back = JSON.parse(JSON.stringify(jsonWeights(plan, weights))) as ReturnType<typeof jsonWeights>;
    const flat = back.layers.flatMap((l) => [...l.kernel.flat(), ...l.bias]);
    expect(Float32Array.from(flat)).toEqual(weights);
  });
});
