import * as grpc from '@grpc/grpc-js';
import {
  describePayload,
  loadProtocol,
  splitIntoChunks,
  verifyEnvelopeSignature,
  type ParticipantServiceHandlers,
} from '@syndicate/protocol';
import { newKeyMaterial, type AgentIdentity } from '../crypto/identity-store';
import { CoordinatorCallError, CoordinatorClient } from './coordinator-client';

const keys = newKeyMaterial();
// Downloads are bounded by the member's own plan: one large enough for the multi-chunk payloads below.
const clientPlan = {
  name: 'client-spec',
  schema: {
    features: Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, type: 'numeric' })),
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [4096] },
  aggregation: { mode: 'plaintext' },
};
const refused = (code: grpc.status, reason: string, details: string): Partial<grpc.StatusObject> => {
  const metadata = new grpc.Metadata();
  metadata.set('syndicate-reason', reason);
  return { code, details, metadata };
};

type Handlers = Partial<ParticipantServiceHandlers>;

/** A real grpc-js server on a loopback port, answering only the calls a test gives it. */
async function serve(handlers: Handlers): Promise<{ client: CoordinatorClient; close: () => void }> {
  const server = new grpc.Server();
  server.addService(
    loadProtocol().syndicate.v1.ParticipantService.service,
    handlers as grpc.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const identity: AgentIdentity = {
    ...keys,
    coordinator: `127.0.0.1:${port}`,
    transport: { insecure: true },
    federationId: 'fed-1',
    participantId: 'bank-a',
    keyEpoch: 1,
    planJson: JSON.stringify(clientPlan),
  };
  const client = new CoordinatorClient(identity);
  return {
    client,
    close: () => {
      client.close();
      server.forceShutdown();
    },
  };
}

describe('CoordinatorClient', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const payload = Buffer.from(Array.from({ length: 600_000 }, (_, i) => i % 251));

  it('assembles a chunked model download and reports its header', async () => {
    const s = await serve({
      DownloadModel: (call) => {
        expect(call.request.modelVersionId).toBe('latest');
        expect(verifyEnvelopeSignature(call.request.envelope!, keys.signingPublicKey)).toBe(true);
        call.write({
          header: {
            modelVersionId: 'mv-7',
            roundNumber: 7,
            payload: describePayload(payload, 'PAYLOAD_ENCODING_FLOAT32_LE', payload.length / 4),
          },
        });
        for (const chunk of splitIntoChunks(payload)) call.write({ chunk });
        call.end();
      },
    });
    close = s.close;
    const progress: number[] = [];
    const m = await s.client.downloadModel('latest', (bytes) => progress.push(bytes));
    expect(m).toMatchObject({ modelVersionId: 'mv-7', roundNumber: 7, encoding: 'PAYLOAD_ENCODING_FLOAT32_LE' });
    expect(m.data.equals(payload)).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toBe(payload.length);
  });

  it('refuses a download whose chunks do not match the header', async () => {
    const s = await serve({
      DownloadModel: (call) => {
        call.write({
          header: {
            modelVersionId: 'mv',
            roundNumber: 1,
            payload: describePayload(payload, 'PAYLOAD_ENCODING_FLOAT32_LE', 1),
          },
        });
        const tampered = Buffer.from(payload);
        tampered[0] ^= 1;
        for (const chunk of splitIntoChunks(tampered)) call.write({ chunk });
        call.end();
      },
    });
    close = s.close;
    await expect(s.client.downloadModel('mv')).rejects.toThrow(/sha|hash/i);
  });

  it('refuses a chunk sent before its header', async () => {
    const s = await serve({
      DownloadModel: (call) => {
        call.write({ chunk: { index: 0, data: Buffer.from([1, 2, 3]) } });
        call.end();
      },
    });
    close = s.close;
    await expect(s.client.downloadModel('mv')).rejects.toThrow('DownloadModel sent a chunk before its header');
  });

  it('says so when the coordinator sends no payload at all', async () => {
    const s = await serve({ DownloadModel: (call) => call.end() });
    close = s.close;
    await expect(s.client.downloadModel('mv')).rejects.toThrow('DownloadModel: coordinator sent no payload');
  });

  it('maps a refused stream to a CoordinatorCallError carrying the reason', async () => {
    const s = await serve({
      DownloadModel: (call) => {
        call.emit('error', refused(grpc.status.NOT_FOUND, 'MODEL_NOT_FOUND', 'no model mv'));
      },
    });
    close = s.close;
    const err = (await s.client.downloadModel('mv').catch((e: unknown) => e)) as CoordinatorCallError;
    expect(err).toBeInstanceOf(CoordinatorCallError);
    expect(err).toMatchObject({ rpc: 'DownloadModel', code: grpc.status.NOT_FOUND, reason: 'MODEL_NOT_FOUND' });
    expect(err.message).toBe('DownloadModel refused (NOT_FOUND, MODEL_NOT_FOUND): no model mv');
  });

  it('uploads a header then the payload in order, and returns the receipt', async () => {
    const received: { header?: unknown; data: Buffer[] } = { data: [] };
    const s = await serve({
      UploadUpdate: (call, callback) => {
        call.on('data', (msg: { header?: unknown; chunk?: { index: number; data: Buffer } }) => {
          if (msg.header) received.header = msg.header;
          if (msg.chunk) received.data.push(msg.chunk.data);
        });
        call.on('end', () => callback(null, { receiptId: 'rcpt-1', sha256: Buffer.alloc(32) }));
      },
    });
    close = s.close;
    const res = await s.client.uploadUpdate({
      roundId: 'r1',
      baseModelVersionId: 'mv-1',
      encoding: 'PAYLOAD_ENCODING_UINT32_LE',
      numParams: 0,
      numSamples: 0,
      payload,
      kind: 'count',
      keyEpoch: 3,
    });
    expect(res.receiptId).toBe('rcpt-1');
    expect(Buffer.concat(received.data).equals(payload)).toBe(true);
    expect(received.header).toMatchObject({
      baseModelVersionId: 'mv-1',
      kind: 'UPDATE_KIND_SAMPLE_COUNT',
      envelope: { participantId: 'bank-a', federationId: 'fed-1', roundId: 'r1', keyEpoch: 3 },
      payload: { encoding: 'PAYLOAD_ENCODING_UINT32_LE', totalBytes: String(payload.length) },
    });
  });

  it('maps a refused upload to a CoordinatorCallError carrying the reason', async () => {
    const s = await serve({
      UploadUpdate: (call, callback) => {
        call.on('data', () => undefined);
        call.on('end', () =>
          callback(
            refused(grpc.status.ALREADY_EXISTS, 'DUPLICATE_COUNT', 'count already received') as grpc.ServiceError,
          ),
        );
      },
    });
    close = s.close;
    const upload = s.client.uploadUpdate({
      roundId: 'r1',
      baseModelVersionId: 'mv-1',
      encoding: 'PAYLOAD_ENCODING_UINT32_LE',
      numParams: 0,
      numSamples: 0,
      payload: Buffer.from([1, 0, 0, 0]),
      kind: 'count',
    });
    await expect(upload).rejects.toMatchObject({
      name: 'CoordinatorCallError',
      rpc: 'UploadUpdate',
      reason: 'DUPLICATE_COUNT',
      code: grpc.status.ALREADY_EXISTS,
    });
  });

  it('maps a unary refusal without a reason to an empty reason', async () => {
    const s = await serve({
      FetchKeyShare: (_call, callback) =>
        callback({ code: grpc.status.FAILED_PRECONDITION, details: 'no key epoch 9' } as grpc.ServiceError),
    });
    close = s.close;
    const err = (await s.client.fetchKeyShare(9).catch((e: unknown) => e)) as CoordinatorCallError;
    expect(err).toBeInstanceOf(CoordinatorCallError);
    expect(err.reason).toBe('');
    expect(err.message).toBe('FetchKeyShare refused (FAILED_PRECONDITION): no key epoch 9');
  });

  it('returns the key share the coordinator relays', async () => {
    const s = await serve({
      FetchKeyShare: (call, callback) =>
        callback(null, {
          keyEpoch: call.request.keyEpoch,
          parameterSet: 'p',
          dealerBoxPublicKey: Buffer.from([1]),
          nonce: Buffer.from([2]),
          sealedKey: Buffer.from([3]),
          wrappedKey: Buffer.from([4]),
        }),
    });
    close = s.close;
    const share = await s.client.fetchKeyShare(4);
    expect(share).toMatchObject({ keyEpoch: 4, parameterSet: 'p' });
    expect(Buffer.from(share.wrappedKey)).toEqual(Buffer.from([4]));
  });
});
