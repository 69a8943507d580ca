import { createChannelClient } from '@syndicate/participant';
import {
  describePayload,
  encodeFloat32,
  signEnvelope,
  splitIntoChunks,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';

const plan: TrainingPlanInput = {
  name: 'stalled',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 1, deadlineSeconds: 120 },
};

/** A member that goes quiet mid-upload is dropped after the idle timeout; nothing of its upload is kept. */
describe(`stalled upload streams (${testDatabaseKind()})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('stalled', { streamIdleSeconds: 1 });
  });
  afterAll(() => h?.stop());

  it("drops a stream that stops sending, audits why, and the round still takes the member's next, complete upload", async () => {
    const f = await h.admin.createFederation(plan);
    const { identity, client } = await enrolledClient(h, f.id, 'alpine');
    const round = await h.admin.openRound(f.id);
    const payload = encodeFloat32(new Float32Array(f.numParams).fill(0.5));
    const descriptor = describePayload(payload, 'PAYLOAD_ENCODING_FLOAT32_LE', f.numParams, 4);
    const header = {
      envelope: signEnvelope(
        {
          participantId: identity.participantId,
          federationId: f.id,
          roundId: round.id,
          phase: 'PHASE_UPLOAD',
          keyEpoch: 0,
          payloadSha256: descriptor.sha256,
        },
        identity.signingSecretKey,
      ),
      baseModelVersionId: round.baseModelVersionId,
      payload: descriptor,
      numSamples: '10',
      kind: 'UPDATE_KIND_MODEL' as const,
    };
    const raw = createChannelClient(h.grpcAddress, h.transport);
    const started = Date.now();
    const reason = await new Promise<string>((resolve) => {
      const call = raw.UploadUpdate((err) =>
        resolve(err ? String(err.metadata?.get('syndicate-reason')?.[0] ?? err.code) : 'OK'),
      );
      call.write({ header });
      // One chunk of several, then silence with the stream left open.
      call.write({ chunk: splitIntoChunks(payload, 4).next().value });
    });
    raw.close();
    expect(reason).toBe('STREAM_IDLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await h.admin.round(round.id)).contributors).toHaveLength(0);
    const rejected = (await h.admin.audit({ federationId: f.id }))
      .filter((e) => e.action === 'update.rejected')
      .map((e) => JSON.parse(e.detail) as { reason: string });
    expect(rejected).toEqual([expect.objectContaining({ reason: 'STREAM_IDLE' })]);

    await client.uploadUpdate({
      roundId: round.id,
      baseModelVersionId: round.baseModelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams: f.numParams,
      numSamples: 10,
      payload,
    });
    expect((await h.admin.round(round.id)).contributors).toHaveLength(1);
    client.close();
  });

  it('keeps nothing of an upload whose sender vanished mid-stream (connection cut), and the round closes with the others', async () => {
    const f = await h.admin.createFederation({
      ...plan,
      name: 'vanished',
      rounds: { minParticipants: 1, deadlineSeconds: 2 },
    });
    const a = await enrolledClient(h, f.id, 'alpine');
    const b = await enrolledClient(h, f.id, 'baltic');
    const round = await h.admin.openRound(f.id);
    const payload = encodeFloat32(new Float32Array(f.numParams).fill(0.25));
    const descriptor = describePayload(payload, 'PAYLOAD_ENCODING_FLOAT32_LE', f.numParams, 4);
    const header = {
      envelope: signEnvelope(
        {
          participantId: a.identity.participantId,
          federationId: f.id,
          roundId: round.id,
          phase: 'PHASE_UPLOAD',
          keyEpoch: 0,
          payloadSha256: descriptor.sha256,
        },
        a.identity.signingSecretKey,
      ),
      baseModelVersionId: round.baseModelVersionId,
      payload: descriptor,
      numSamples: '10',
      kind: 'UPDATE_KIND_MODEL' as const,
    };
    const raw = createChannelClient(h.grpcAddress, h.transport);
    await new Promise<void>((resolve) => {
      const call = raw.UploadUpdate(() => resolve());
      call.write({ header });
      call.write({ chunk: splitIntoChunks(payload, 4).next().value });
      // The process dies: the connection goes, mid-payload.
      setTimeout(() => raw.close(), 100);
      setTimeout(() => call.cancel(), 120);
    });
    await b.client.uploadUpdate({
      roundId: round.id,
      baseModelVersionId: round.baseModelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams: f.numParams,
      numSamples: 10,
      payload: encodeFloat32(new Float32Array(f.numParams).fill(1)),
    });
    const start = Date.now();
    let r = await h.admin.round(round.id);
    while (r.state !== 'published' && Date.now() - start < 20_000) {
      await new Promise((res) => setTimeout(res, 100));
      r = await h.admin.round(round.id);
    }
    // Published at the deadline from the one complete update: the vanished member's half upload is nowhere.
    expect(r.state).toBe('published');
    expect(r.contributors.map((c) => c.participantId)).toEqual([b.identity.participantId]);
    const weights = new Float32Array((await h.admin.weights(r.resultModelVersionId!)).buffer.slice(0));
    expect([...weights]).toEqual(new Array(f.numParams).fill(1));
    a.client.close();
    b.client.close();
  });
});
