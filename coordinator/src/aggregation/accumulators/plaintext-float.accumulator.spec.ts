import { encodeFloat32 } from '@syndicate/protocol';
import type { DataSource, EntityManager } from 'typeorm';
import { memoryDataSource } from '../../testing/intake-test-module';
import { AcceptedCiphertext } from '../accepted-ciphertext.entity';
import { fedAvgStrategy } from '../fedavg';
import { saveReceipt } from '../receipts';
import { RoundAccumulator } from '../round-accumulator.entity';
import type { Contribution } from './contribution-accumulator';
import { PlaintextFloatAccumulator } from './plaintext-float.accumulator';

const contribution = (values: number[], numSamples: number, over: Partial<Contribution> = {}): Contribution => ({
  roundId: 'rnd_1',
  participantId: `p${numSamples}`,
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
  let acc: PlaintextFloatAccumulator;
  const proof = { payloadSha256: 'ab', signature: 'cd' };
  // As the intake does: the update and its receipt in one transaction, then settle.
  const add = async (c: Contribution, on = acc, fail = false) => {
    let committed = false;
    try {
      const n = await db.transaction(async (em: EntityManager) => {
        const count = await on.add(em, c, on.decode(c));
        await saveReceipt(em, c, proof, 1);
        if (fail) throw new Error('audit disk full');
        return count;
      });
      committed = true;
      return n;
    } finally {
      on.settle(c.roundId, c.kind, committed);
    }
  };
  const result = (on = acc) => db.transaction((em) => on.result(em, 'rnd_1'));
  beforeEach(async () => {
    db = await memoryDataSource();
    acc = new PlaintextFloatAccumulator(fedAvgStrategy);
  });
  afterEach(() => db.destroy());

  it('folds updates into the sample-weighted mean, appending each update rather than rewriting a sum', async () => {
    expect(await add(contribution([1, 2], 1))).toBe(1);
    expect(await add(contribution([3, 6], 3))).toBe(2);
    expect(await db.getRepository(RoundAccumulator).count()).toBe(0);
    expect(await db.getRepository(AcceptedCiphertext).count()).toBe(2);
    const r = await result();
    expect(r?.contributors).toBe(2);
    expect(Array.from(r!.weights)).toEqual([2.5, 5]);
    // Sealed: one row holds the state, the updates are gone, and the result reads the same again.
    expect(await db.getRepository(AcceptedCiphertext).count()).toBe(0);
    expect((await acc.sum(db.manager, 'rnd_1'))?.contributors).toBe(2);
    expect(Array.from((await result())!.weights)).toEqual([2.5, 5]);
  });

  it('rebuilds the state from what committed after a restart (a fresh instance)', async () => {
    await add(contribution([1, 2], 1));
    const restarted = new PlaintextFloatAccumulator(fedAvgStrategy);
    expect(await add(contribution([3, 6], 3), restarted)).toBe(2);
    expect(Array.from((await result(restarted))!.weights)).toEqual([2.5, 5]);
  });

  it('forgets an update whose transaction rolled back', async () => {
    await add(contribution([1, 2], 1));
    await expect(add(contribution([100, 100], 3), acc, true)).rejects.toThrow('audit disk full');
    expect(await add(contribution([3, 6], 3))).toBe(2);
    expect(Array.from((await result())!.weights)).toEqual([2.5, 5]);
  });

  it("counts another replica's updates: the result rebuilds when the database holds more than memory", async () => {
    const other = new PlaintextFloatAccumulator(fedAvgStrategy);
    await add(contribution([1, 2], 1));
    await add(contribution([3, 6], 3), other);
    const r = await result();
    expect([r?.contributors, ...Array.from(r!.weights)]).toEqual([2, 2.5, 5]);
  });

  it('has no result before anything is accepted', async () => {
    expect(await result()).toBeNull();
    expect(await acc.sum(db.manager, 'rnd_1')).toBeNull();
  });

  it('refuses a payload of the wrong length and a non-positive sample count', () => {
    expect(() => acc.decode(contribution([1, 2], 1, { numParams: 3 }))).toThrow(
      expect.objectContaining({ reason: expect.stringMatching(/^UPDATE_/) }),
    );
    expect(() => acc.decode(contribution([1, 2], 0))).toThrow(expect.objectContaining({ reason: 'BAD_SAMPLE_COUNT' }));
  });
});
