import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiTokensService, type Role } from '@syndicate/coordinator';
import { encodeFloat32, modelLayout, parseTrainingPlan, type TrainingPlanInput } from '@syndicate/protocol';
import { waitFor } from '../support/agent-process';
import { jsonOf, runCli } from '../support/cli-run';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient, nextTask } from '../support/light-agent';
import { testPki } from '../support/test-pki';

const mlp: TrainingPlanInput = {
  name: 'model-cli-mlp',
  schema: {
    features: [
      { name: 'a', type: 'numeric' },
      { name: 'b', type: 'numeric' },
    ],
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [4], activation: 'tanh' },
  aggregation: { mode: 'plaintext' },
};

/** The data scientist's path through `syndicate model`, against one published MLP. */
describe(`syndicate model commands (${testDatabaseKind()})`, () => {
  let h: Harness;
  let dir: string;
  let federationId: string;
  let modelId: string;
  let roundNumber: number;
  const envFor = async (...roles: Role[]): Promise<NodeJS.ProcessEnv> => {
    const issued = await h.coordinator.app
      .get(ApiTokensService)
      .create({ name: `cli-${roles.join('+')}`, roles }, 'test');
    return {
      SYNDICATE_URL: h.baseUrl,
      SYNDICATE_CA: (await testPki()).caCert,
      SYNDICATE_TOKEN: issued.token,
      SYNDICATE_TOKEN_FILE: '',
    };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-model-cli-'));
    h = await startHarness('model-cli');
    federationId = (await h.admin.createFederation(mlp)).id;
    const { client } = await enrolledClient(h, federationId, 'bank-a');
    const sub = nextTask(client, 'TASK_TYPE_TRAIN');
    const round = await h.admin.openRound(federationId, { minParticipants: 1, deadlineSeconds: 60 });
    const task = await sub.task;
    const numParams = modelLayout(parseTrainingPlan(mlp)).numParams;
    await client.uploadUpdate({
      roundId: round.id,
      baseModelVersionId: task.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams,
      numSamples: 10,
      payload: encodeFloat32(new Float32Array(numParams).fill(0.1)),
    });
    const done = await waitFor(
      'the round published',
      async () => (await h.admin.rounds(federationId)).find((r) => r.id === round.id && r.state === 'published'),
      60_000,
    );
    modelId = done.resultModelVersionId!;
    roundNumber = done.number;
    sub.cancel();
    client.close();
  });
  afterAll(() => h?.stop());

  it('latest stands for the newest model version, and needs --federation', async () => {
    const env = await envFor('data-scientist');
    const shown = jsonOf<{ id: string }>(
      await runCli(['model', 'show', 'latest', '--federation', federationId, '--json'], env),
    );
    expect(shown.id).toBe(modelId);
    const missing = await runCli(['model', 'show', 'latest'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--federation');
    const out = path.join(dir, 'latest.f32');
    expect((await runCli(['model', 'export', 'latest', '--federation', federationId, '--out', out], env)).code).toBe(0);
    expect(fs.statSync(out).size).toBe(4 * modelLayout(parseTrainingPlan(mlp)).numParams);
  });

  it('a refused export leaves no output directory or file behind', async () => {
    const viewer = await envFor('viewer');
    const tfjsDir = path.join(dir, 'refused-tfjs');
    const refused = await runCli(['model', 'export', modelId, '--format', 'tfjs', '--out', tfjsDir], viewer);
    expect(refused.code).toBe(3);
    expect(fs.existsSync(tfjsDir)).toBe(false);

    // An MLP has no points table: asking for one is a usage error (2), not a conflict.
    const card = path.join(dir, 'card.json');
    const scorecard = await runCli(
      ['model', 'export', modelId, '--format', 'scorecard', '--out', card],
      await envFor('data-scientist'),
    );
    expect({ code: scorecard.code, reason: /NOT_A_SCORECARD_MODEL/.test(scorecard.stderr) }).toEqual({
      code: 2,
      reason: true,
    });
    expect(fs.existsSync(card)).toBe(false);
    expect(fs.existsSync(`${card}.lineage.json`)).toBe(false);
  });

  it('model list shows the key epoch the round ran under', async () => {
    // A plaintext round runs under epoch 0; make this one a round of epoch 1, as after a key rotation.
    const { DataSource } = await import('typeorm');
    const db = h.coordinator.app.get(DataSource);
    await db
      .createQueryBuilder()
      .update('rounds')
      .set({ keyEpoch: 1 })
      .where('"federationId" = :f AND "number" = :n', { f: federationId, n: roundNumber })
      .execute();
    const env = await envFor('data-scientist');
    const models = jsonOf<{ id: string; keyEpoch: number; roundKeyEpoch: number }[]>(
      await runCli(['model', 'list', '--federation', federationId, '--json'], env),
    );
    expect(models.find((m) => m.id === modelId)).toMatchObject({ roundKeyEpoch: 1 });
    const text = await runCli(['model', 'list', '--federation', federationId], env);
    const row = text.stdout.split('\n').find((l) => l.includes(modelId))!;
    expect(row.split('│').map((c) => c.trim())[5]).toBe('1');
  });
});
