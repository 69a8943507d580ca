import { fedAdamServerOptimizer } from './fedadam';
import { applyServerOptimizer, SERVER_OPTIMIZERS, serverOptimizerFor } from './registry';

describe('server optimizer registry', () => {
  it('lists every plan type once, under its own name', () => {
    for (const [type, strategy] of Object.entries(SERVER_OPTIMIZERS)) expect(strategy.type).toBe(type);
    expect(Object.keys(SERVER_OPTIMIZERS).sort()).toEqual(['fedadam', 'fedavg', 'fedyogi']);
  });

  it('applyServerOptimizer delegates to the strategy the plan names', () => {
    const cfg = { type: 'fedadam' as const, learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 0.001 };
    const base = Float32Array.from([1, 2, 3]);
    const delta = Float64Array.from([0.1, -0.2, 0.3]);
    expect(applyServerOptimizer(cfg, base, delta, null)).toEqual(fedAdamServerOptimizer.apply(cfg, base, delta, null));
  });

  it('names the known types when asked for an unknown one', () => {
    expect(() => serverOptimizerFor('fedprox' as 'fedavg')).toThrow(
      'unknown server optimizer "fedprox"; use one of fedavg, fedadam, fedyogi',
    );
  });
});
