import { modelLayout, parseTrainingPlan } from '@syndicate/protocol';
import { aggregateDownloadBound, modelDownloadBound } from './download-bounds';

const plan = (extra: Record<string, unknown> = {}) =>
  parseTrainingPlan({
    name: 'bounds',
    schema: {
      features: [
        { name: 'x', type: 'numeric' },
        { name: 'z', type: 'numeric' },
      ],
      target: { name: 'y' },
    },
    model: { template: 'logistic_regression' },
    ...extra,
  });

describe('download bounds', () => {
  it('a model download may hold the plan weights (and optimizer moments), nothing near 2 GiB', () => {
    const p = plan();
    const n = modelLayout(p).numParams;
    expect(modelDownloadBound(p)).toBe(n * 4 + 48);
    const adam = plan({ serverOptimizer: { type: 'fedadam' } });
    expect(modelDownloadBound(adam)).toBe(3 * n * 4 + 48);
  });

  it('an aggregate bound covers a real ciphertext sum, and stays far below what a lying header could claim', () => {
    const p = plan();
    for (const kind of ['model', 'count', 'evaluation'] as const) {
      const bound = aggregateDownloadBound(p, kind);
      // One N=4096 ciphertext with a 60-bit prime is 64 KiB uncompressed: the bound admits at least that...
      expect(bound).toBeGreaterThanOrEqual(2 * 4096 * 8);
      // ...and is nowhere near the 2 GiB a coordinator could announce.
      expect(bound).toBeLessThan(64 * 1024 * 1024);
    }
    // No federated-standardised feature: no statistics sum can be legitimate beyond its header.
    expect(aggregateDownloadBound(p, 'stats')).toBeLessThan(64);
  });
});
