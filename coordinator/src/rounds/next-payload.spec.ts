import { parseTrainingPlanJson } from '@syndicate/protocol';
import { needsBaseModel, nextPayload } from './next-payload';

const plan = (serverOptimizer: object) =>
  parseTrainingPlanJson(
    JSON.stringify({
      name: 'next-payload',
      schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
      model: { template: 'logistic_regression' },
      aggregation: { mode: 'plaintext' },
      serverOptimizer,
    }),
  );
const base = (w: number[]) => ({
  id: 'mv_base',
  encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
  data: Buffer.from(Float32Array.from(w).buffer),
});

describe('plaintext round payload', () => {
  it('plain FedAvg stores the average; a FedAvg server learning rate steps from the base, as secure rounds do', () => {
    expect(needsBaseModel(plan({ type: 'fedavg' }))).toBe(false);
    const avg = Float32Array.from([1, 2]);
    expect(nextPayload(plan({ type: 'fedavg' }), 2, avg, base([0, 0]))).toBe(avg);
    const half = plan({ type: 'fedavg', learningRate: 0.5 });
    expect(needsBaseModel(half)).toBe(true);
    expect(Array.from(nextPayload(half, 2, avg, base([0, 1])))).toEqual([0.5, 1.5]);
  });
});
