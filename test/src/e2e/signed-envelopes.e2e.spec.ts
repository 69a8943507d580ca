import * as grpc from '@grpc/grpc-js';
import { createChannelClient, newKeyMaterial } from '@syndicate/participant';
import { downloadDigest, signEnvelope, type Envelope } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';

const plan = {
  name: 'envelopes',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 1 },
};

/** Sends one DownloadModel request and resolves with the refusal reason, or 'OK'. */
function download(h: Harness, envelope: Envelope, modelVersionId: string): Promise<string> {
  const client = createChannelClient(h.grpcAddress, h.transport);
  return new Promise((resolve) => {
    const stream = client.DownloadModel({ envelope, modelVersionId });
    stream.on('data', () => undefined);
    stream.on('end', () => {
      client.close();
      resolve('OK');
    });
    stream.on('error', (err: grpc.ServiceError) => {
      client.close();
      resolve(String(err.metadata.get('syndicate-reason')[0] ?? err.code));
    });
  });
}

describe(`signed envelopes (${testDatabaseKind()})`, () => {
  let h: Harness;
  let federationId: string;
  let modelId: string;
  let identity: Awaited<ReturnType<typeof enrolledClient>>['identity'];
  const sign = (over: Partial<Parameters<typeof signEnvelope>[0]> = {}, key?: Uint8Array, now?: number) =>
    signEnvelope(
      {
        participantId: identity.participantId,
        federationId,
        phase: 'PHASE_DOWNLOAD',
        keyEpoch: 0,
        payloadSha256: downloadDigest(modelId),
        ...over,
      },
      key ?? identity.signingSecretKey,
      now === undefined ? undefined : { now },
    );

  beforeAll(async () => {
    h = await startHarness('envelopes');
    const f = await h.admin.createFederation(plan);
    federationId = f.id;
    modelId = (await h.admin.models(f.id))[0].id;
    identity = (await enrolledClient(h, f.id, 'bank-e')).identity;
  });
  afterAll(async () => h?.stop());

  it('accepts a fresh, correctly signed request', async () => {
    expect(await download(h, sign(), modelId)).toBe('OK');
  });

  it('refuses the same signed request twice (replay)', async () => {
    const env = sign();
    expect(await download(h, env, modelId)).toBe('OK');
    expect(await download(h, env, modelId)).toBe('ENVELOPE_REPLAYED');
  });

  it('refuses a request signed with another key (forgery)', async () => {
    expect(await download(h, sign({}, newKeyMaterial().signingSecretKey), modelId)).toBe('ENVELOPE_BAD_SIGNATURE');
  });

  it('refuses a request signed for another phase or payload', async () => {
    expect(await download(h, sign({ phase: 'PHASE_EVALUATE' }), modelId)).toBe('ENVELOPE_WRONG_PHASE');
    expect(await download(h, sign({ payloadSha256: downloadDigest('mdl_other') }), modelId)).toBe(
      'ENVELOPE_PAYLOAD_MISMATCH',
    );
  });

  it('refuses a stale request and an unknown participant', async () => {
    expect(await download(h, sign({}, undefined, Date.now() - 60 * 60_000), modelId)).toBe('ENVELOPE_STALE');
    expect(await download(h, sign({ participantId: 'prt_ghost' }), modelId)).toBe('UNKNOWN_PARTICIPANT');
  });
});
