import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdminApiError } from '@syndicate/coordinator';
import { CoordinatorCallError, enroll, newKeyMaterial } from '@syndicate/participant';
import { encodeFloat32, modelLayout, parseTrainingPlan, type TrainingPlanInput } from '@syndicate/protocol';
import { transportArgs } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient, nextTask } from '../support/light-agent';

const plan: TrainingPlanInput = {
  name: 'bad-input',
  schema: {
    features: [
      { name: 'income', type: 'numeric', center: 50000, scale: 20000 },
      { name: 'region', type: 'categorical', vocabulary: ['north', 'south'] },
    ],
    target: { name: 'default' },
    // A value outside the vocabulary is refused (the default sends it to __other__).
    unknownCategory: 'error',
  },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 2, deadlineSeconds: 600 },
};

const agentMain = require.resolve('@syndicate/participant/dist/cli/main.js');

describe(`bad input gets a clear error and changes nothing (${testDatabaseKind()})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('bad-input');
  });
  afterAll(async () => h?.stop());

  it('refuses a malformed plan, listing every problem, and creates nothing', async () => {
    const bad = { ...plan, name: 'broken', model: { template: 'mlp', hiddenUnits: [] }, training: { epochs: 0 } };
    const err = await h.admin.createFederation(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    const e = err as AdminApiError;
    expect(e.status).toBe(400);
    expect(e.reason).toBe('INVALID_PLAN');
    expect(e.problems.some((p) => p.startsWith('model.hiddenUnits'))).toBe(true);
    expect(e.problems.some((p) => p.startsWith('training.epochs'))).toBe(true);
    expect((await h.admin.federations()).map((f) => f.name)).not.toContain('broken');
  });

  it('refuses an agent enrolling into a federation that does not exist', async () => {
    const keys = newKeyMaterial();
    const err = await enroll(
      h.grpcAddress,
      {
        federationId: 'fed_nope',
        token: 'syn_enr_x',
        signingPublicKey: keys.signingPublicKey,
        signingSecretKey: keys.signingSecretKey,
        boxPublicKey: keys.boxPublicKey,
      },
      h.transport,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoordinatorCallError);
    expect((err as CoordinatorCallError).reason).toBe('FEDERATION_NOT_FOUND');
    expect((err as Error).message).toContain('fed_nope');
  });

  it('refuses an update whose shape does not match the model and leaves the round untouched', async () => {
    const federation = await h.admin.createFederation(plan);
    const { client } = await enrolledClient(h, federation.id, 'bank-a');
    await enrolledClient(h, federation.id, 'bank-b');
    const sub = nextTask(client, 'TASK_TYPE_TRAIN');
    const round = await h.admin.openRound(federation.id);
    const task = await sub.task;
    const numParams = modelLayout(parseTrainingPlan(plan)).numParams;
    const wrong = new Float32Array(numParams + 3);
    const err = await client
      .uploadUpdate({
        roundId: round.id,
        baseModelVersionId: task.modelVersionId,
        encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
        numParams: numParams + 3,
        numSamples: 10,
        payload: encodeFloat32(wrong),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoordinatorCallError);
    expect((err as CoordinatorCallError).reason).toBe('SHAPE_MISMATCH');
    expect((err as Error).message).toContain(`the model has ${numParams}`);
    const view = await h.admin.round(round.id);
    expect(view.state).toBe('collecting');
    expect(view.contributors).toHaveLength(0);

    // The same bank can still send a correct update afterwards.
    await client.uploadUpdate({
      roundId: round.id,
      baseModelVersionId: task.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams,
      numSamples: 10,
      payload: encodeFloat32(new Float32Array(numParams)),
    });
    expect((await h.admin.round(round.id)).contributors).toHaveLength(1);
    sub.cancel();
    client.close();
  });

  it('an agent whose CSV does not match the schema exits naming the row and column, before connecting', async () => {
    const federation = await h.admin.createFederation({ ...plan, name: 'bad-csv' });
    const invitation = await h.admin.invite(federation.id, 'bank-csv');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-badcsv-'));
    const csv = path.join(dir, 'data.csv');
    fs.writeFileSync(csv, 'income,region,default\n52000,north,0\nlots,south,1\n61000,mars,0\n');
    // Asynchronously: the coordinator runs in this process and must keep answering.
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [
          agentMain,
          'run',
          '--coordinator',
          h.grpcAddress,
          '--federation',
          federation.id,
          '--token',
          invitation.token,
          '--data',
          csv,
          '--state-dir',
          path.join(dir, 'state'),
          ...transportArgs(h.transport),
        ],
        { encoding: 'utf8', timeout: 60_000 },
        (_err, _stdout, stderr) => resolve({ status: child.exitCode, stderr }),
      );
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/row 3, column income/);
    expect(run.stderr).toMatch(/row 4, column region/);
    const participants = await h.admin.participants(federation.id);
    expect(participants.every((p) => !p.connected)).toBe(true);
  });
});
