import {
  DEFAULT_HE_PARAMETER_SET,
  generateFederationKey,
  HeKeyHolder,
  type ContributionKind,
} from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { memoryDataSource } from '../../testing/intake-test-module';
import { AcceptedCiphertext } from '../accepted-ciphertext.entity';
import type { Contribution } from './contribution-accumulator';
import { EncryptedAccumulator } from './encrypted.accumulator';

jest.setTimeout(60_000);

describe('EncryptedAccumulator', () => {
  let db: DataSource;
  let holder: HeKeyHolder;
  const shape = { keyEpoch: 2, valueCount: 4, parameterSet: DEFAULT_HE_PARAMETER_SET };
  const kind: ContributionKind = 'count';
  const contribution = (participantId: string, values: number[]): Contribution => ({
    roundId: 'rnd_1',
    participantId,
    kind,
    payload: holder.encrypt(values),
    numSamples: 0,
    numParams: 0,
    ...shape,
  });
  /** Adds in a transaction that commits, or rolls back when `fail` is set, as the intake does. */
  async function add(acc: EncryptedAccumulator, c: Contribution, fail = false): Promise<void> {
    let committed = false;
    try {
      await db.transaction(async (em) => {
        await acc.add(em, c, acc.decode(c));
        if (fail) throw new Error('rolled back');
      });
      committed = true;
    } catch (err) {
      if (!fail) throw err;
    } finally {
      acc.settle(c.roundId, c.kind, committed);
    }
  }
  const decrypted = async (acc: EncryptedAccumulator) => {
    const sum = await db.transaction((em) => acc.sum(em, 'rnd_1', kind, shape));
    return { contributors: sum!.contributors, values: Array.from(holder.decrypt(sum!.data)).slice(0, 4) };
  };

  beforeAll(async () => {
    holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 2));
  });
  afterAll(() => holder.dispose());
  beforeEach(async () => (db = await memoryDataSource()));
  afterEach(() => db.destroy());

  it('adds ciphertexts without a key; the decrypted sum is exact', async () => {
    const acc = new EncryptedAccumulator();
    await add(acc, contribution('a', [1, 2, 3, 4]));
    await add(acc, contribution('b', [10, 20, 30, 40]));
    expect(await decrypted(acc)).toEqual({ contributors: 2, values: [11, 22, 33, 44] });
    // Serialised once: the individual ciphertexts are gone.
    expect(await db.getRepository(AcceptedCiphertext).count()).toBe(0);
  });

  it('drops a ciphertext whose transaction rolled back from the in-memory sum', async () => {
    const acc = new EncryptedAccumulator();
    await add(acc, contribution('a', [1, 1, 1, 1]));
    await add(acc, contribution('b', [5, 5, 5, 5]), true);
    expect(await decrypted(acc)).toEqual({ contributors: 1, values: [1, 1, 1, 1] });
  });

  it('rebuilds the sum from committed ciphertexts after a restart', async () => {
    await add(new EncryptedAccumulator(), contribution('a', [1, 2, 3, 4]));
    const restarted = new EncryptedAccumulator();
    await add(restarted, contribution('b', [1, 1, 1, 1]));
    expect(await decrypted(restarted)).toEqual({ contributors: 2, values: [2, 3, 4, 5] });
  });

  it('refuses a ciphertext made for another key epoch', async () => {
    const acc = new EncryptedAccumulator();
    await expect(
      db.transaction((em) => acc.add(em, { ...contribution('a', [1]), keyEpoch: 3 }, contribution('a', [1]).payload)),
    ).rejects.toMatchObject({ reason: expect.stringMatching(/^UPDATE_/) });
  });
});
