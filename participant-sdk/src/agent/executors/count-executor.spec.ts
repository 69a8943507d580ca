import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  decodeFeatureStats,
  parseTrainingPlan,
  planSecureSpec,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import pino from 'pino';
import { localFeatureMoments } from '../../data/feature-moments';
import type { AgentContext } from '../agent-context';
import { SecureSums } from '../secure-sums';
import { countExecutor } from './count-executor';

const plan = parseTrainingPlan({
  name: 'count-executor-spec',
  schema: {
    features: [
      { name: 'income', type: 'numeric', log1p: true, standardize: 'federated' },
      { name: 'age', type: 'numeric', standardize: 'federated' },
    ],
    target: { name: 'default' },
  },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3 },
  aggregation: { mode: 'plaintext' },
} as TrainingPlanInput);

const rows = Array.from({ length: 40 }, (_, i) => `${1000 + 37 * i},${20 + (i % 30)},${i % 5 === 0 ? 1 : 0}`);
const dataFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'count-executor-')), 'bank.csv');
fs.writeFileSync(dataFile, ['income,age,default', ...rows].join('\n'));

const task = (parameterSet: string): Task__Output =>
  ({
    taskId: 'tsk_1',
    type: 'TASK_TYPE_COUNT',
    roundId: 'rnd_1',
    roundNumber: 1,
    modelVersionId: 'mdl_0',
    deadlineUnixMs: String(Date.now() + 60_000),
    keyEpoch: 0,
    parameterSet,
    statsRoundId: 'rnd_1',
    standardizationJson: '',
  }) as unknown as Task__Output;

describe('countExecutor in a plaintext round', () => {
  const uploads: { kind: string; encoding: string; payload: Buffer; statement: unknown }[] = [];
  // Nothing is encrypted or signed in plaintext: a key ring that is asked for a key fails the test.
  const keys = { get: () => Promise.reject(new Error('a plaintext round needs no key')) };
  const sums = new SecureSums(
    { federationId: 'fed_1', participantId: 'bank-a' } as never,
    {
      uploadUpdate: (r: { kind: string; encoding: string; payload: Buffer; statement?: unknown }) => {
        uploads.push({ kind: r.kind, encoding: r.encoding, payload: r.payload, statement: r.statement });
        return Promise.resolve({ receiptId: `rcp_${uploads.length}` });
      },
    } as never,
    keys as never,
    {} as never,
    () => 3,
  );
  const ctx = (over: Partial<AgentContext> = {}) =>
    ({
      sums,
      keys,
      spec: planSecureSpec(plan),
      logger: pino({ level: 'silent' }),
      files: { dataFile },
      data: { standardized: false, plan, train: { rows: 32 }, holdout: { rows: 8 } },
      ...over,
    }) as unknown as AgentContext;

  beforeEach(() => uploads.splice(0));

  it('sends only its feature statistics, as the plain uint32 fields a secure member would encrypt', async () => {
    await countExecutor.execute(task(''), ctx());
    expect(uploads.map((u) => [u.kind, u.encoding, u.statement])).toEqual([
      ['stats', 'PAYLOAD_ENCODING_UINT32_LE', undefined],
    ]);
    const p = uploads[0].payload;
    const fields = Array.from(new Uint32Array(p.buffer, p.byteOffset, p.byteLength / 4));
    const want = await localFeatureMoments(dataFile, plan.schema, plan.holdout);
    expect(want.count).toEqual([32, 32]); // the training rows only: the holdout never shapes the scaling
    const got = decodeFeatureStats(fields, 2, planSecureSpec(plan));
    expect(got.count).toEqual(want.count);
    got.sum.forEach((s, i) => expect(Math.abs(s - want.sum[i])).toBeLessThan(2 ** -20));
    got.sumSquares.forEach((s, i) => expect(Math.abs(s - want.sumSquares[i])).toBeLessThan(2 ** -19));
  });

  it('sends nothing once its data is standardised, or when the round does not collect statistics', async () => {
    await countExecutor.execute(task(''), ctx({ data: { standardized: true, plan } as never }));
    await countExecutor.execute({ ...task(''), statsRoundId: 'rnd_0' }, ctx());
    expect(uploads).toHaveLength(0);
  });

  it('a secure round asks for its key epoch (positive control for the key ring above)', async () => {
    await expect(countExecutor.execute(task(planSecureSpec(plan).parameterSet), ctx())).rejects.toThrow(
      'a plaintext round needs no key',
    );
  });
});
