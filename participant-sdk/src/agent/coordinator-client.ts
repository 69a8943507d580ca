import * as grpc from '@grpc/grpc-js';
import {
  CLIENT_CHANNEL_OPTIONS,
  ChunkAssembler,
  describePayload,
  loadProtocol,
  downloadDigest,
  evaluationDigest,
  subscribeDigest,
  signEnvelope,
  splitIntoChunks,
  type EnrollResponse__Output,
  type EvaluationMetrics,
  type ParticipantServiceClient,
  type PayloadEncoding,
  type Phase__Output,
  type SubscribeResponse__Output,
  type UploadUpdateResponse__Output,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';

export class CoordinatorCallError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: grpc.status,
    readonly reason: string,
    message: string,
  ) {
    super(`${rpc} refused (${grpc.status[code]}${reason ? `, ${reason}` : ''}): ${message}`);
    this.name = 'CoordinatorCallError';
  }
}

function callError(rpc: string, err: grpc.ServiceError): CoordinatorCallError {
  const reason = String(err.metadata?.get('syndicate-reason')?.[0] ?? '');
  return new CoordinatorCallError(rpc, err.code, reason, err.details || err.message);
}

export function createChannelClient(address: string): ParticipantServiceClient {
  const Ctor = loadProtocol().syndicate.v1.ParticipantService;
  return new Ctor(address, grpc.credentials.createInsecure(), CLIENT_CHANNEL_OPTIONS);
}

export async function enroll(
  address: string,
  req: { federationId: string; token: string; signingPublicKey: Uint8Array; boxPublicKey: Uint8Array },
): Promise<EnrollResponse__Output> {
  const client = createChannelClient(address);
  try {
    return await new Promise((resolve, reject) =>
      client.Enroll(
        { federationId: req.federationId, enrollmentToken: req.token, signingPublicKey: req.signingPublicKey, boxPublicKey: req.boxPublicKey },
        { deadline: Date.now() + 30_000 },
        (err, res) => (err ? reject(callError('Enroll', err)) : resolve(res!)),
      ),
    );
  } finally {
    client.close();
  }
}

/** Every call signed with the bank's Ed25519 key, over a long-lived outbound channel. */
export class CoordinatorClient {
  private readonly client: ParticipantServiceClient;

  constructor(private readonly identity: AgentIdentity) {
    this.client = createChannelClient(identity.coordinator);
  }

  private envelope(phase: Phase__Output, payloadSha256: Uint8Array, roundId = '') {
    return signEnvelope(
      { participantId: this.identity.participantId, federationId: this.identity.federationId, roundId, phase, keyEpoch: this.identity.keyEpoch, payloadSha256 },
      this.identity.signingSecretKey,
    );
  }

  subscribe(agentVersion: string): grpc.ClientReadableStream<SubscribeResponse__Output> {
    return this.client.Subscribe({ envelope: this.envelope('PHASE_SUBSCRIBE', subscribeDigest()), agentVersion });
  }

  async downloadModel(modelVersionId: string, onProgress?: (bytes: number, total: number) => void): Promise<{ data: Buffer; roundNumber: number; encoding: string }> {
    const stream = this.client.DownloadModel({ envelope: this.envelope('PHASE_DOWNLOAD', downloadDigest(modelVersionId)), modelVersionId });
    let assembler: ChunkAssembler | undefined;
    let roundNumber = 0;
    let encoding = '';
    let received = 0;
    let total = 0;
    try {
      for await (const msg of stream as AsyncIterable<{ header?: { roundNumber: number; payload: { encoding: string; totalBytes: string } | null } | null; chunk?: { index: number; data: Buffer } | null; part?: string }>) {
        if (msg.part === 'header' && msg.header?.payload) {
          assembler = new ChunkAssembler(msg.header.payload as never, {});
          roundNumber = msg.header.roundNumber;
          encoding = msg.header.payload.encoding;
          total = Number(msg.header.payload.totalBytes);
        } else if (msg.part === 'chunk' && msg.chunk) {
          if (!assembler) throw new Error('model stream sent a chunk before its header');
          assembler.push(msg.chunk);
          received += msg.chunk.data.length;
          onProgress?.(received, total);
        }
      }
    } catch (err) {
      throw (err as grpc.ServiceError).code !== undefined ? callError('DownloadModel', err as grpc.ServiceError) : err;
    }
    if (!assembler) throw new Error(`coordinator sent no model for ${modelVersionId}`);
    return { data: assembler.finish(), roundNumber, encoding };
  }

  /** Streams the update in chunks, waiting for flow control so memory stays flat. */
  uploadUpdate(args: {
    roundId: string;
    baseModelVersionId: string;
    encoding: PayloadEncoding;
    numParams: number;
    numSamples: number;
    payload: Buffer;
  }): Promise<UploadUpdateResponse__Output> {
    const descriptor = describePayload(args.payload, args.encoding, args.numParams);
    return new Promise((resolve, reject) => {
      const call = this.client.UploadUpdate((err, res) => (err ? reject(callError('UploadUpdate', err)) : resolve(res!)));
      const write = (msg: Parameters<typeof call.write>[0]) =>
        new Promise<void>((ok) => {
          if (call.write(msg)) ok();
          else call.once('drain', ok);
        });
      void (async () => {
        await write({
          header: {
            envelope: this.envelope('PHASE_UPLOAD', descriptor.sha256, args.roundId),
            baseModelVersionId: args.baseModelVersionId,
            payload: descriptor,
            numSamples: String(args.numSamples),
          },
        });
        for (const chunk of splitIntoChunks(args.payload)) await write({ chunk });
        call.end();
      })().catch(reject);
    });
  }

  submitEvaluation(modelVersionId: string, metrics: EvaluationMetrics & { numExamples: string; loss: number; accuracy: number; auc: number }): Promise<void> {
    const env = this.envelope('PHASE_EVALUATE', evaluationDigest(modelVersionId, metrics));
    return new Promise((resolve, reject) =>
      this.client.SubmitEvaluation({ envelope: env, modelVersionId, metrics }, { deadline: Date.now() + 60_000 }, (err) =>
        err ? reject(callError('SubmitEvaluation', err)) : resolve(),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
