import { decodeFloat64 } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { memoryDataSource } from '../../testing/intake-test-module';
import type { Contribution } from './contribution-accumulator';
import { PlaintextFieldsAccumulator } from './plaintext-fields.accumulator';

function fields(values: number[]): Contribution {
  const payload = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => payload.writeUInt32LE(v, i * 4));
  return {
    roundId: 'rnd_1',
    participantId: 'p',
    kind: 'evaluation',
    payload,
    numSamples: 0,
    numParams: 0,
    valueCount: values.length,
    keyEpoch: 0,
    parameterSet: '',
  };
}

describe('PlaintextFieldsAccumulator', () => {
  let db: DataSource;
  const acc = new PlaintextFieldsAccumulator();
  const add = (c: Contribution) => db.transaction((em) => acc.add(em, c, acc.decode(c)));
  beforeEach(async () => (db = await memoryDataSource()));
  afterEach(() => db.destroy());

  it('sums uint32 fields exactly, beyond float32 precision', async () => {
    await add(fields([2 ** 32 - 1, 1, 0]));
    expect(await add(fields([2 ** 32 - 1, 2, 7]))).toBe(2);
    const sum = await acc.sum(db.manager, 'rnd_1', 'evaluation');
    expect(sum?.contributors).toBe(2);
    expect(Array.from(decodeFloat64(sum!.data))).toEqual([2 * (2 ** 32 - 1), 3, 7]);
  });

  it('refuses a payload that is not valueCount uint32 fields', () => {
    expect(() => acc.decode({ ...fields([1, 2]), valueCount: 3 })).toThrow(
      expect.objectContaining({ reason: 'SHAPE_MISMATCH' }),
    );
  });

  it('refuses to add to a stored sum of another shape', async () => {
    await add(fields([1, 2]));
    const wider = fields([1, 2, 3]);
    await expect(add(wider)).rejects.toMatchObject({ reason: 'ACCUMULATOR_SHAPE' });
  });
});
