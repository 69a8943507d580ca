/**
 * The bytes one member sends and receives for pairwise masking in one masked sum: the real protobuf
 * encodings (gRPC's own serializers from the .proto) of the requests member-masking.ts sends and of
 * the session views the coordinator answers with (coordinator/src/masking/mask-session-view.ts).
 * Message bytes only: gRPC adds 5 bytes a message, HTTP/2 and TLS a few dozen a call.
 */
import * as protoLoader from '@grpc/proto-loader';
import {
  PROTO_LOADER_OPTIONS,
  maskStepDigest,
  signEnvelope,
  toWireUpdateKind,
  type MaskKeyAdvert,
  type MaskSession,
  type Reveal,
  type SealedShares,
} from '@syndicate/protocol';

type Serializer = (o: object) => Buffer;
type Step = 'advertise' | 'view' | 'sign' | 'reveal';

let sizers: Record<Step | 'response', Serializer> | undefined;

function messageSizers(): Record<Step | 'response', Serializer> {
  if (!sizers) {
    const def = protoLoader.loadSync('syndicate/v1/participant_service.proto', PROTO_LOADER_OPTIONS);
    const svc = def['syndicate.v1.ParticipantService'] as Record<
      string,
      { requestSerialize: Serializer; responseSerialize: Serializer }
    >;
    sizers = {
      advertise: svc.AdvertiseMask.requestSerialize,
      view: svc.GetMaskSession.requestSerialize,
      sign: svc.SignSurvivors.requestSerialize,
      reveal: svc.RevealShares.requestSerialize,
      response: svc.GetMaskSession.responseSerialize,
    };
  }
  return sizers;
}

export interface MaskingExchange {
  session: MaskSession;
  me: { participantId: string; signSecretKey: Uint8Array };
  /** The sum's members, sorted: all of them survive. */
  ids: string[];
  threshold: number;
  adverts: MaskKeyAdvert[];
  /** The shares this member dealt, one box per member (itself included). */
  myShares: SealedShares[];
  /** The boxes sealed to this member, one from every member. */
  toMe: SealedShares[];
  mySignature: Uint8Array;
  myReveals: Reveal[];
  signatures: { participantId: string; signature: Uint8Array }[];
  /** Every survivor's reveal of every survivor's self-mask share: what the last views carry. */
  allReveals: { revealer: string; peerId: string; kind: string; share: Uint8Array }[];
}

/**
 * The eight calls of one masked sum without dropouts, in member-masking.ts's order: the view in
 * prepare, advertise, then one view per wait (committed set, survivor set, signatures, shares) with
 * sign and reveal between them. Each view is as full as it can be at that step (every member in
 * step): each further 150 ms poll while waiting re-downloads one view, so real rounds send more.
 */
export function maskingMessageBytes(x: MaskingExchange): { upload: number; download: number } {
  const s = messageSizers();
  const { session, ids, threshold } = x;
  const kind = toWireUpdateKind(session.kind);
  const envelope = (step: Step, f: (string | Uint8Array)[]) =>
    signEnvelope(
      {
        participantId: x.me.participantId,
        federationId: session.federationId,
        roundId: session.roundId,
        phase: 'PHASE_MASK',
        keyEpoch: session.keyEpoch,
        payloadSha256: maskStepDigest(step, session.roundId, session.kind, f),
      },
      x.me.signSecretKey,
    );
  const wireAdvert = (a: MaskKeyAdvert) => ({
    participantId: a.participantId,
    maskPublicKey: a.maskPublicKey,
    selfSeedCommitment: a.selfSeedCommitment,
    signature: a.signature,
  });
  const view = (state: string, parts: { adverts?: boolean; signed?: boolean; revealed?: boolean }) =>
    s.response({
      state,
      threshold,
      keyEpoch: session.keyEpoch,
      expected: ids,
      adverts: parts.adverts ? x.adverts.map(wireAdvert) : [],
      shares: parts.adverts ? x.toMe : [],
      survivors: state === 'confirming' ? ids : [],
      signatures: parts.signed ? x.signatures : [],
      reveals: parts.revealed ? x.allReveals : [],
      failure: '',
    }).length;
  const viewRequest = () => s.view({ envelope: envelope('view', []), kind }).length;
  const shares = [...x.myShares].sort((a, b) => (a.to < b.to ? -1 : 1));
  const a = x.adverts.find((v) => v.participantId === x.me.participantId)!;
  const reveals = x.myReveals.map((r) => ({ revealer: x.me.participantId, ...r }));
  const upload =
    viewRequest() +
    s.advertise({
      envelope: envelope('advertise', [
        a.maskPublicKey,
        a.selfSeedCommitment,
        a.signature,
        ...shares.flatMap((v) => [v.to, v.box]),
      ]),
      kind,
      advert: wireAdvert(a),
      shares,
    }).length +
    viewRequest() +
    viewRequest() +
    s.sign({
      envelope: envelope('sign', [...ids, x.mySignature]),
      kind,
      survivors: ids,
      signature: x.mySignature,
    }).length +
    viewRequest() +
    s.reveal({
      envelope: envelope(
        'reveal',
        reveals.flatMap((r) => [r.peerId, r.kind, r.share]),
      ),
      kind,
      reveals,
    }).length +
    viewRequest();
  const download =
    view('advertising', {}) +
    view('masking', { adverts: true }) + // advertise's answer (as the last member to advertise sees it)
    view('masking', { adverts: true }) +
    view('confirming', { adverts: true }) +
    view('confirming', { adverts: true, signed: true }) + // sign's answer
    view('confirming', { adverts: true, signed: true }) +
    view('confirming', { adverts: true, signed: true, revealed: true }) + // reveal's answer
    view('confirming', { adverts: true, signed: true, revealed: true });
  return { upload, download };
}
