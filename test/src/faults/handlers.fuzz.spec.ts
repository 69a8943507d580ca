import * as fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { routeCatalog } from '@syndicate/coordinator';
import { createChannelClient } from '@syndicate/participant';
import { encodeFloat32, sha256, signEnvelope, type TrainingPlanInput, type UpdateHeader } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { enrolledClient } from '../support/light-agent';

const plan: TrainingPlanInput = {
  name: 'fuzzed',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 1, deadlineSeconds: 600 },
};

const ENCODINGS = [
  'PAYLOAD_ENCODING_UNSPECIFIED',
  'PAYLOAD_ENCODING_FLOAT32_LE',
  'PAYLOAD_ENCODING_BFV_PACKED',
  'PAYLOAD_ENCODING_SEALED_FLOAT32',
] as const;
const KINDS = ['UPDATE_KIND_UNSPECIFIED', 'UPDATE_KIND_MODEL', 'UPDATE_KIND_SAMPLE_COUNT'] as const;

/**
 * Thousands of generated, mostly-wrong requests against the live handlers: each is
 * refused with a reason of ours (never an internal error), and none changes state.
 */
describe('handlers under generated hostile input', () => {
  let h: Harness;
  let member: Awaited<ReturnType<typeof enrolledClient>>;
  let federationId: string;
  let numParams: number;
  let round: { id: string; baseModelVersionId: string };

  beforeAll(async () => {
    h = await startHarness('fuzz');
    const f = await h.admin.createFederation(plan);
    federationId = f.id;
    numParams = f.numParams;
    member = await enrolledClient(h, f.id, 'alpine');
    round = await h.admin.openRound(f.id);
  });
  afterAll(async () => {
    channel?.close();
    member?.client.close();
    await h?.stop();
  });

  // One channel for all calls, as an agent has: the handshake is not what is under test.
  let channel: ReturnType<typeof createChannelClient>;
  const send = (header: UpdateHeader, chunks: { index: number; data: Buffer }[]): Promise<string> => {
    channel ??= createChannelClient(h.grpcAddress, h.transport);
    return new Promise((resolve) => {
      const call = channel.UploadUpdate((err) => {
        resolve(err ? String(err.metadata?.get('syndicate-reason')?.[0] ?? `code ${err.code}`) : 'OK');
      });
      call.write({ header });
      for (const chunk of chunks) call.write({ chunk });
      call.end();
    });
  };

  it('UploadUpdate: generated headers and chunks are refused with our reasons, and the round stays empty', async () => {
    const payload = encodeFloat32(new Float32Array(numParams).fill(0.5));
    const reasons = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          signed: fc.boolean(),
          phase: fc.constantFrom('PHASE_UPLOAD' as const, 'PHASE_COUNT' as const, 'PHASE_DOWNLOAD' as const),
          roundId: fc.oneof(fc.constant('real'), fc.string({ maxLength: 40 })),
          base: fc.oneof(fc.constant('real'), fc.string({ maxLength: 40 })),
          encoding: fc.constantFrom(...ENCODINGS),
          numParams: fc.oneof(fc.constant(numParams), fc.bigInt({ min: 0n, max: 1n << 60n }).map(String)),
          totalBytes: fc.oneof(fc.constant(payload.length), fc.bigInt({ min: 0n, max: 1n << 62n }).map(String)),
          chunkCount: fc.integer({ min: 0, max: 1 << 30 }),
          kind: fc.constantFrom(...KINDS),
          numSamples: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
          chunks: fc.array(
            fc.record({
              index: fc.integer({ min: 0, max: 1 << 20 }),
              data: fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
            }),
            { maxLength: 4 },
          ),
          useRealPayload: fc.boolean(),
        }),
        async (g) => {
          const roundId = g.roundId === 'real' ? round.id : g.roundId;
          const body = g.useRealPayload ? payload : Buffer.concat(g.chunks.map((c) => c.data));
          const digest = sha256(body);
          const envelope = g.signed
            ? signEnvelope(
                {
                  participantId: member.identity.participantId,
                  federationId,
                  roundId,
                  phase: g.phase,
                  keyEpoch: 0,
                  payloadSha256: digest,
                },
                member.identity.signingSecretKey,
              )
            : {
                participantId: member.identity.participantId,
                federationId,
                roundId,
                phase: g.phase,
                keyEpoch: 0,
                payloadSha256: digest,
                nonce: Buffer.alloc(16),
                issuedAtUnixMs: String(Date.now()),
                signature: Buffer.alloc(64, 1),
              };
          const header = {
            envelope,
            baseModelVersionId: g.base === 'real' ? round.baseModelVersionId : g.base,
            payload: {
              encoding: g.encoding,
              numParams: String(g.numParams),
              totalBytes: String(g.totalBytes),
              chunkCount: g.chunkCount,
              sha256: digest,
            },
            numSamples: g.numSamples,
            kind: g.kind,
          } as UpdateHeader;
          const chunks = g.useRealPayload ? [{ index: 0, data: payload }] : g.chunks;
          const reason = await send(header, chunks);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          // An honest, complete upload can come out of the generator; anything else must be refused by us.
          if (reason === 'OK') return;
          expect(reason).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(reason).not.toBe('INTERNAL');
        },
      ),
      // Each refusal is audited (a durable write), so hundreds, not thousands, per CI run.
      { numRuns: 300 },
    );
    const view = await h.admin.round(round.id);
    expect(view.contributors.length).toBe(reasons.get('OK') ?? 0);
    expect(view.contributors.length).toBeLessThanOrEqual(1);
    expect(reasons.size).toBeGreaterThan(5);
  });

  it('bytes that are not a protobuf message are refused without taking the server down', async () => {
    const client = new grpc.Client(h.grpcAddress, grpc.credentials.createSsl(fs.readFileSync(h.transport.caFile!)));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 256 }), async (bytes) => {
        const code = await new Promise<number>((resolve) => {
          const call = client.makeClientStreamRequest(
            '/syndicate.v1.ParticipantService/UploadUpdate',
            (b: Buffer) => b,
            (b: Buffer) => b,
            (err) => resolve(err ? err.code : 0),
          );
          call.write(Buffer.from(bytes));
          call.end();
        });
        expect(code).not.toBe(grpc.status.OK);
      }),
      { numRuns: 200 },
    );
    client.close();
    // Still serving agents: an honest, signed download works.
    expect((await member.client.downloadModel(round.baseModelVersionId)).modelVersionId).toBe(round.baseModelVersionId);
  });

  it('REST: generated JSON bodies on every endpoint that takes one get a 4xx, never a 5xx', async () => {
    const routes = routeCatalog(h.coordinator.app).filter((r) => r.body);
    expect(routes.length).toBeGreaterThanOrEqual(5);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue({ maxDepth: 3 }), async (r, body) => {
        const path = r.path.replace(':federationId', federationId).replace(/:[A-Za-z]+/g, 'x');
        const res = await h.admin.raw(r.method, path, body);
        expect({ route: `${r.method} ${r.path}`, status: res.status < 500 }).toEqual({
          route: `${r.method} ${r.path}`,
          status: true,
        });
      }),
      { numRuns: 300 },
    );
  });
});
