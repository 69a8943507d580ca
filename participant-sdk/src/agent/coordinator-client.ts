import * as grpc from '@grpc/grpc-js';
import { channelCredentials, type AgentTransport } from './transport';
import {
  CLIENT_CHANNEL_OPTIONS,
  describePayload,
  loadProtocol,
  downloadDigest,
  evaluationDigest,
  subscribeDigest,
  signEnvelope,
  type EnrollResponse__Output,
  type ContributionKind,
  type EvaluationHistogramWire,
  type ParticipantServiceClient,
  type PayloadEncoding,
  type Phase__Output,
  type SubscribeResponse__Output,
  type UploadUpdateResponse__Output,
  type ModelHeader__Output,
  type AggregateHeader__Output,
  type PublishModelResponse__Output,
  type PublishModelRequest,
  type FetchKeyShareResponse__Output,
  aggregateDigest,
  fetchKeyDigest,
  keySharesDigest,
  toWireUpdateKind,
  uploadPhase,
  standardizationDigest,
  cardFromWire,
  manifestToWire,
  type EpochManifest,
  signBoxKey,
  endorsementFromWire,
  endorsementToWire,
  endorsementDigest,
  membersDigest,
  refusalDigest,
  statementFromWire,
  type ContributionStatement,
  type Endorsement,
  type MemberCard,
  parseTrainingPlan,
  type MaskSessionView__Output,
  type TrainingPlan,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import { aggregateDownloadBound, modelDownloadBound } from './download-bounds';
import { callError, readChunked, writeChunked } from './rpc-calls';
import { maskStep, type MaskCall } from './mask-calls';

export { CoordinatorCallError, callError } from './rpc-calls';

export function createChannelClient(address: string, transport?: AgentTransport): ParticipantServiceClient {
  const Ctor = loadProtocol().syndicate.v1.ParticipantService;
  return new Ctor(address, channelCredentials(transport), CLIENT_CHANNEL_OPTIONS);
}

export async function enroll(
  address: string,
  req: {
    federationId: string;
    token: string;
    signingPublicKey: Uint8Array;
    boxPublicKey: Uint8Array;
    /** Signs the box key, so other members can tell a relay did not swap it. */
    signingSecretKey: Uint8Array;
  },
  transport?: AgentTransport,
): Promise<EnrollResponse__Output> {
  const client = createChannelClient(address, transport);
  try {
    return await new Promise((resolve, reject) =>
      client.Enroll(
        {
          federationId: req.federationId,
          enrollmentToken: req.token,
          signingPublicKey: req.signingPublicKey,
          boxPublicKey: req.boxPublicKey,
          boxKeySignature: signBoxKey(
            { signPublicKey: req.signingPublicKey, boxPublicKey: req.boxPublicKey },
            req.signingSecretKey,
          ),
        },
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
  private planCache?: TrainingPlan;

  constructor(private readonly identity: AgentIdentity) {
    this.client = createChannelClient(identity.coordinator, identity.transport);
  }

  /** The plan this member enrolled under: it, not the coordinator's headers, bounds what a download may hold. */
  private get plan(): TrainingPlan {
    return (this.planCache ??= parseTrainingPlan(JSON.parse(this.identity.planJson)));
  }

  private envelope(phase: Phase__Output, payloadSha256: Uint8Array, roundId = '', keyEpoch = this.identity.keyEpoch) {
    return signEnvelope(
      {
        participantId: this.identity.participantId,
        federationId: this.identity.federationId,
        roundId,
        phase,
        keyEpoch,
        payloadSha256,
      },
      this.identity.signingSecretKey,
    );
  }

  subscribe(agentVersion: string): grpc.ClientReadableStream<SubscribeResponse__Output> {
    return this.client.Subscribe({ envelope: this.envelope('PHASE_SUBSCRIBE', subscribeDigest()), agentVersion });
  }

  /** `modelVersionId` may be 'champion' (chosen on federated validation) or 'latest'. */
  async downloadModel(
    modelVersionId: string,
    onProgress?: (bytes: number, total: number) => void,
  ): Promise<{ data: Buffer; roundNumber: number; encoding: string; modelVersionId: string }> {
    const stream = this.client.DownloadModel({
      envelope: this.envelope('PHASE_DOWNLOAD', downloadDigest(modelVersionId)),
      modelVersionId,
    });
    const { header, data } = await readChunked<ModelHeader__Output>(
      'DownloadModel',
      stream,
      modelDownloadBound(this.plan),
      onProgress,
    );
    return {
      data,
      roundNumber: header.roundNumber,
      encoding: header.payload!.encoding,
      modelVersionId: header.modelVersionId,
    };
  }

  async downloadAggregate(
    roundId: string,
    kind: ContributionKind,
  ): Promise<{
    data: Buffer;
    contributors: number;
    keyEpoch: number;
    encoding: PayloadEncoding;
    statements: ContributionStatement[];
  }> {
    const k = toWireUpdateKind(kind);
    const stream = this.client.DownloadAggregate({
      envelope: this.envelope('PHASE_DOWNLOAD_AGGREGATE', aggregateDigest(roundId, k)),
      roundId,
      kind: k,
    });
    const { header, data } = await readChunked<AggregateHeader__Output>(
      'DownloadAggregate',
      stream,
      aggregateDownloadBound(this.plan, kind),
    );
    return {
      data,
      contributors: header.contributors,
      keyEpoch: header.keyEpoch,
      encoding: (header.payload?.encoding ?? 'PAYLOAD_ENCODING_UNSPECIFIED') as PayloadEncoding,
      statements: (header.contributions ?? []).map((s) => statementFromWire(this.identity.federationId, s)),
    };
  }

  uploadUpdate(args: {
    roundId: string;
    baseModelVersionId: string;
    encoding: PayloadEncoding;
    numParams: number;
    numSamples: number;
    payload: Buffer;
    kind?: ContributionKind;
    keyEpoch?: number;
    /** Secure mode: this member's signed statement over the payload (secure-sums.ts). */
    statement?: { signature: Uint8Array; digest: Uint8Array };
  }): Promise<UploadUpdateResponse__Output> {
    const descriptor = describePayload(args.payload, args.encoding, args.numParams);
    const kind = args.kind ?? 'model';
    const header = {
      envelope: this.envelope(uploadPhase(kind), descriptor.sha256, args.roundId, args.keyEpoch),
      baseModelVersionId: args.baseModelVersionId,
      payload: descriptor,
      numSamples: String(args.numSamples),
      kind: toWireUpdateKind(kind),
      contributionSignature: args.statement ? Buffer.from(args.statement.signature) : Buffer.alloc(0),
      contributionDigest: args.statement ? Buffer.from(args.statement.digest) : Buffer.alloc(0),
    };
    return writeChunked('UploadUpdate', (cb) => this.client.UploadUpdate(cb), header, args.payload);
  }

  /** Publishes the model computed from a round's aggregate; roundId '' re-seals for a new key epoch. */
  async publishModel(args: {
    roundId: string;
    baseModelVersionId: string;
    encoding: PayloadEncoding;
    numParams: number;
    payload: Buffer;
    keyEpoch: number;
  }): Promise<string> {
    const descriptor = describePayload(args.payload, args.encoding, args.numParams);
    const header = {
      envelope: this.envelope('PHASE_PUBLISH', descriptor.sha256, args.roundId, args.keyEpoch),
      baseModelVersionId: args.baseModelVersionId,
      payload: descriptor,
    };
    const res = await writeChunked<PublishModelRequest, PublishModelResponse__Output>(
      'PublishModel',
      (cb) => this.client.PublishModel(cb),
      header,
      args.payload,
    );
    return res.modelVersionId;
  }

  submitKeyShares(
    keyEpoch: number,
    parameterSet: string,
    shares: { participantId: string; nonce: Uint8Array; sealedKey: Uint8Array }[],
    wrappedKey: Uint8Array,
    signed?: { manifest: EpochManifest; signature: Uint8Array; excludedParticipantIds: string[] },
  ): Promise<void> {
    const envelope = this.envelope(
      'PHASE_KEY_CEREMONY',
      keySharesDigest(keyEpoch, parameterSet, shares, wrappedKey),
      '',
      keyEpoch,
    );
    return new Promise((resolve, reject) =>
      this.client.SubmitKeyShares(
        {
          envelope,
          keyEpoch,
          parameterSet,
          shares,
          wrappedKey,
          manifest: signed ? manifestToWire(signed.manifest) : null,
          manifestSignature: Buffer.from(signed?.signature ?? []),
          excludedParticipantIds: signed?.excludedParticipantIds ?? [],
        },
        { deadline: Date.now() + 60_000 },
        (err) => (err ? reject(callError('SubmitKeyShares', err)) : resolve()),
      ),
    );
  }

  fetchKeyShare(keyEpoch: number): Promise<FetchKeyShareResponse__Output> {
    const envelope = this.envelope('PHASE_FETCH_KEY', fetchKeyDigest(keyEpoch));
    return new Promise((resolve, reject) =>
      this.client.FetchKeyShare({ envelope, keyEpoch }, { deadline: Date.now() + 60_000 }, (err, res) =>
        err ? reject(callError('FetchKeyShare', err)) : resolve(res!),
      ),
    );
  }

  /** Reports the consortium histograms (validation rows, test rows) this member decrypted from a round's evaluation sum. */
  submitEvaluation(
    roundId: string,
    modelVersionId: string,
    contributors: number,
    h: { validation: EvaluationHistogramWire; test: EvaluationHistogramWire },
    keyEpoch: number,
  ): Promise<void> {
    const env = this.envelope(
      'PHASE_EVALUATION_RESULT',
      evaluationDigest(modelVersionId, contributors, h.validation, h.test),
      roundId,
      keyEpoch,
    );
    return new Promise((resolve, reject) =>
      this.client.SubmitEvaluation(
        { envelope: env, modelVersionId, contributors, histogram: h.validation, testHistogram: h.test },
        { deadline: Date.now() + 60_000 },
        (err) => (err ? reject(callError('SubmitEvaluation', err)) : resolve()),
      ),
    );
  }

  /** Reports the consortium feature moments decrypted from a round's statistics sum. */
  submitStandardization(roundId: string, momentsJson: string, keyEpoch: number): Promise<void> {
    const env = this.envelope('PHASE_STANDARDIZATION', standardizationDigest(momentsJson), roundId, keyEpoch);
    return new Promise((resolve, reject) =>
      this.client.SubmitStandardization({ envelope: env, momentsJson }, { deadline: Date.now() + 60_000 }, (err) =>
        err ? reject(callError('SubmitStandardization', err)) : resolve(),
      ),
    );
  }

  /** Every member card and endorsement the coordinator relays; this bank decides trust itself. */
  listMembers(): Promise<{ members: MemberCard[]; endorsements: Endorsement[] }> {
    const envelope = this.envelope('PHASE_MEMBERS', membersDigest());
    return new Promise((resolve, reject) =>
      this.client.ListMembers({ envelope }, { deadline: Date.now() + 30_000 }, (err, res) =>
        err
          ? reject(callError('ListMembers', err))
          : resolve({
              members: res!.members.map(cardFromWire),
              endorsements: res!.endorsements.map((e) => endorsementFromWire(this.identity.federationId, e)),
            }),
      ),
    );
  }

  submitEndorsement(e: Endorsement): Promise<void> {
    const envelope = this.envelope('PHASE_ENDORSE', endorsementDigest(e.signature));
    return new Promise((resolve, reject) =>
      this.client.SubmitEndorsement(
        { envelope, endorsement: endorsementToWire(e) },
        { deadline: Date.now() + 30_000 },
        (err) => (err ? reject(callError('SubmitEndorsement', err)) : resolve()),
      ),
    );
  }

  /** Tells the coordinator what this agent refused and why, so the refusal is in the audit log. */
  reportRefusal(reason: string, detail: string, roundId = '', keyEpoch = this.identity.keyEpoch): Promise<void> {
    const digest = refusalDigest(reason, detail, roundId, keyEpoch);
    const envelope = this.envelope('PHASE_REPORT_REFUSAL', digest, roundId, keyEpoch);
    return new Promise((resolve, reject) =>
      this.client.ReportRefusal(
        { envelope, reason, detail, roundId, keyEpoch },
        { deadline: Date.now() + 30_000 },
        (err) => (err ? reject(callError('ReportRefusal', err)) : resolve()),
      ),
    );
  }

  /** One step of pairwise masking (mask-calls.ts); every step answers with the session as this member may see it. */
  mask(c: MaskCall): Promise<MaskSessionView__Output> {
    return maskStep(this.client, (d, roundId, epoch) => this.envelope('PHASE_MASK', d, roundId, epoch), c);
  }

  close(): void {
    this.client.close();
  }
}
