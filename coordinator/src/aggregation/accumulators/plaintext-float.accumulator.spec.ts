import { encodeFloat32 } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { memoryDataSource } from '../../testing/intake-test-module';
import { fedAvgStrategy } from '../fedavg';
import type { Contribution } from './contribution-accumulator';
import { PlaintextFloatAccumulator } from './plaintext-float.accumulator';

const contribution = (values: number[], numSamples: number, over: Partial<Contribution> = {}): Contribution => ({
  roundId: 'rnd_1',
  participantId: 'p',
  kind: 'model',
  payload: Buffer.from(encodeFloat32(Float32Array.from(values))),
  numSamples,
  numParams: values.length,
  valueCount: values.length,
  keyEpoch: 0,
  parameterSet: '',
  ...over,
});

describe('PlaintextFloatAccumulator', () => {
  let db: DataSource;
  const acc = new PlaintextFloatAccumulator(fedAvgStrategy);
  const add = (c: Contribution) => db.transaction((em) => acc.add(em, c, acc.decode(c)));
  beforeEach(async () => (db = await memoryDataSource()));
  afterEach(() => db.destroy());

  it('folds updates into the sample-weighted mean, persisted between updates', async () => {
    expect(await add(contribution([1, 2], 1))).toBe(1);
    expect(await add(contribution([3, 6], 3))).toBe(2);
    const r = await acc.result(db.manager, 'rnd_1');
    expect(r?.contributors).toBe(2);
    expect(Array.from(r!.weights)).toEqual([2.5, 5]);
  });

  it('has no result before anything is accepted', async () => {
    expect(await acc.result(db.manager, 'rnd_1')).toBeNull();
    expect(await acc.sum(db.manager, 'rnd_1')).toBeNull();
  });

  it('refuses a payload of the wrong length and a non-positive sample count', () => {
    expect(() => acc.decode(contribution([1, 2], 1, { numParams: 3 }))).toThrow(
      expect.objectContaining({ reason: expect.stringMatching(/^UPDATE_/) }),
    );
    expect(() => acc.decode(contribution([1, 2], 0))).toThrow(expect.objectContaining({ reason: 'BAD_SAMPLE_COUNT' }));
  });
});
