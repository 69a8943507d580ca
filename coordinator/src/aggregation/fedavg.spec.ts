import fc from 'fast-check';
import { fedAvg, fedAvgAdd, fedAvgFinalize, fedAvgInit, fedAvgStrategy } from './fedavg';

describe('fedavg', () => {
  it('is the sample-weighted mean', () => {
    const out = fedAvg([
      { weights: Float32Array.from([1, 10]), numSamples: 1 },
      { weights: Float32Array.from([4, 40]), numSamples: 3 },
    ]);
    expect(Array.from(out)).toEqual([3.25, 32.5]);
  });

  it('streaming through serialize/deserialize equals the batch mean for any inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((n) =>
          fc.array(
            fc.record({
              weights: fc.float32Array({
                minLength: n,
                maxLength: n,
                noNaN: true,
                noDefaultInfinity: true,
                min: -1e3,
                max: 1e3,
              }),
              numSamples: fc.integer({ min: 1, max: 1e6 }),
            }),
            { minLength: 1, maxLength: 8 },
          ),
        ),
        (updates) => {
          let state = fedAvgStrategy.init(updates[0].weights.length);
          for (const u of updates)
            state = fedAvgStrategy.deserialize(
              fedAvgStrategy.serialize(fedAvgStrategy.add(state, u.weights, u.numSamples)),
            );
          const streamed = fedAvgStrategy.finalize(state);
          const total = updates.reduce((s, u) => s + u.numSamples, 0);
          for (let i = 0; i < streamed.length; i++) {
            const exact = updates.reduce((s, u) => s + (u.numSamples * u.weights[i]) / total, 0);
            expect(Math.abs(streamed[i] - exact)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(exact)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('deserializes from a buffer at an unaligned offset', () => {
    const s = fedAvgAdd(fedAvgInit(3), Float32Array.from([1, 2, 3]), 2);
    const { data } = fedAvgStrategy.serialize(s);
    const unaligned = Buffer.concat([Buffer.alloc(3), data]).subarray(3);
    expect(
      Array.from(
        fedAvgStrategy.finalize(fedAvgStrategy.deserialize({ data: unaligned, totalWeight: 2, contributors: 1 })),
      ),
    ).toEqual([1, 2, 3]);
  });

  it('refuses a wrong-sized update, a non-positive weight and an empty average', () => {
    expect(() => fedAvgAdd(fedAvgInit(3), new Float32Array(4), 1)).toThrow('update has 4 parameters, the model has 3');
    expect(() => fedAvgAdd(fedAvgInit(3), new Float32Array(3), 0)).toThrow('weight must be a positive');
    expect(() => fedAvgFinalize(fedAvgInit(3))).toThrow('cannot average zero updates');
  });
});
