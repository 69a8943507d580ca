import {
  decodeFloat32,
  encodeFloat32,
  modelLayout,
  parseTrainingPlan,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient, nextTask } from '../support/light-agent';

/** ~10.5M parameters: 1 numeric + a 1000-value categorical input, MLP [2048, 4096]. */
const plan: TrainingPlanInput = {
  name: 'ten-million',
  schema: {
    features: [
      { name: 'x', type: 'numeric' },
      { name: 'segment', type: 'categorical', vocabulary: Array.from({ length: 1000 }, (_, i) => `s${i}`) },
    ],
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [2048, 4096] },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 1, deadlineSeconds: 600 },
};

describe(`a 10M-parameter model travels both ways in one round (${testDatabaseKind()})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('large');
  });
  afterAll(async () => h?.stop());

  it('downloads, uploads and publishes without hitting a gRPC message-size limit', async () => {
    const numParams = modelLayout(parseTrainingPlan(plan)).numParams;
    expect(numParams).toBeGreaterThan(10_000_000);
    const federation = await h.admin.createFederation(plan);
    const { client } = await enrolledClient(h, federation.id, 'big-bank');
    const sub = nextTask(client, 'TASK_TYPE_TRAIN');
    const round = await h.admin.openRound(federation.id);
    const task = await sub.task;
    expect(task.roundId).toBe(round.id);

    const initial = await client.downloadModel(task.modelVersionId);
    expect(initial.data.length).toBe(numParams * 4);

    const update = new Float32Array(numParams);
    for (let i = 0; i < numParams; i++) update[i] = Math.sin(i) * 0.01;
    await client.uploadUpdate({
      roundId: round.id,
      baseModelVersionId: task.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams,
      numSamples: 1234,
      payload: encodeFloat32(update),
    });

    let view = await h.admin.round(round.id);
    for (let i = 0; i < 200 && view.state !== 'published'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await h.admin.round(round.id);
    }
    expect(view.state).toBe('published');
    const published = await client.downloadModel(view.resultModelVersionId!);
    // One contributor: the weighted mean is its own update, bit for bit.
    expect(Buffer.compare(published.data, encodeFloat32(update))).toBe(0);
    expect(decodeFloat32(published.data, numParams)[12345]).toBeCloseTo(Math.sin(12345) * 0.01, 7);
    sub.cancel();
    client.close();
  });
});
