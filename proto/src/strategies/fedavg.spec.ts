import { fedAvgServerOptimizer } from './fedavg';

describe('fedAvgServerOptimizer', () => {
  it('adds the aggregate delta to the base and counts the step', () => {
    const r = fedAvgServerOptimizer.apply({ type: 'fedavg' }, Float32Array.from([1, 2]), Float64Array.from([0.5, -1]), {
      m: new Float32Array(0),
      v: new Float32Array(0),
      step: 4,
    });
    expect(Array.from(r.weights)).toEqual([1.5, 1]);
    expect(r.state.step).toBe(5);
    expect(r.state.m.length + r.state.v.length).toBe(0);
  });

  it('moves by the server learning rate times the aggregate delta', () => {
    const r = fedAvgServerOptimizer.apply(
      { type: 'fedavg', learningRate: 0.5 },
      Float32Array.from([1, 2]),
      Float64Array.from([0.5, -1]),
      null,
    );
    expect(Array.from(r.weights)).toEqual([1.25, 1.5]);
  });

  it('refuses a delta of the wrong length', () => {
    expect(() =>
      fedAvgServerOptimizer.apply({ type: 'fedavg' }, new Float32Array(2), new Float64Array(3), null),
    ).toThrow('aggregate delta has 3 values, the model has 2');
  });
});
