import * as grpc from '@grpc/grpc-js';
import {
  describePayload,
  encodeFloat32,
  loadProtocol,
  modelLayout,
  parseTrainingPlan,
  splitIntoChunks,
  type DownloadModelResponse,
} from '@syndicate/protocol';
import { newKeyMaterial } from '../crypto/identity-store';
import { CoordinatorClient } from './coordinator-client';

const planInput = {
  name: 'bounded',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
};
const numParams = modelLayout(parseTrainingPlan(planInput)).numParams;

/** A coordinator that serves one model download: the honest payload, or a header announcing 2 GiB. */
async function lyingCoordinator(lie: boolean): Promise<{ address: string; stop(): void }> {
  const server = new grpc.Server();
  const honest = encodeFloat32(new Float32Array(numParams).fill(1));
  server.addService(loadProtocol().syndicate.v1.ParticipantService.service, {
    DownloadModel: (call: grpc.ServerWritableStream<unknown, DownloadModelResponse>) => {
      const payload = describePayload(honest, 'PAYLOAD_ENCODING_FLOAT32_LE', numParams);
      if (lie) Object.assign(payload, { totalBytes: String(2 ** 31 - 2), chunkCount: 8192 });
      call.write({ header: { modelVersionId: 'mv_1', roundNumber: 1, payload } });
      if (lie) return; // never sends the bytes: the point is what the agent allocates on the header's word
      for (const chunk of splitIntoChunks(honest)) call.write({ chunk });
      call.end();
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

const clientFor = (address: string) =>
  new CoordinatorClient({
    coordinator: address,
    transport: { insecure: true },
    federationId: 'fed_1',
    participantId: 'prt_a',
    keyEpoch: 0,
    planJson: JSON.stringify(planInput),
    ...newKeyMaterial(),
  });

describe('CoordinatorClient download bounds', () => {
  it('refuses a header announcing more than the plan allows, before allocating it', async () => {
    const c = await lyingCoordinator(true);
    const client = clientFor(c.address);
    const heapBefore = process.memoryUsage().arrayBuffers;
    try {
      await expect(client.downloadModel('latest')).rejects.toThrow(/declares 2147483646 bytes, the limit is \d+/);
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 1024 * 1024);
    } finally {
      client.close();
      c.stop();
    }
  });

  it('positive control: the honest download of the same model arrives', async () => {
    const c = await lyingCoordinator(false);
    const client = clientFor(c.address);
    try {
      const m = await client.downloadModel('latest');
      expect(m.data.length).toBe(numParams * 4);
    } finally {
      client.close();
      c.stop();
    }
  });
});
