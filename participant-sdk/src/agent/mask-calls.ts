import {
  maskStepDigest,
  toWireUpdateKind,
  type ContributionKind,
  type Envelope,
  type MaskAdvert,
  type MaskSessionView__Output,
  type ParticipantServiceClient,
} from '@syndicate/protocol';
import { callError } from './rpc-calls';

/** One step of the masking protocol, as the member sends it; every step answers with the session view. */
export type MaskCall = { roundId: string; keyEpoch: number; kind: ContributionKind } & (
  | {
      step: 'advertise';
      advert: MaskAdvert & { maskPublicKey: Uint8Array; selfSeedCommitment: Uint8Array; signature: Uint8Array };
      shares: { from: string; to: string; box: Uint8Array }[];
    }
  | { step: 'view' }
  | { step: 'sign'; survivors: string[]; signature: Uint8Array }
  | { step: 'reveal'; reveals: { revealer: string; peerId: string; kind: string; share: Uint8Array }[] }
);

type Sign = (digest: Uint8Array, roundId: string, keyEpoch: number) => Envelope;

const RPC = {
  advertise: 'AdvertiseMask',
  view: 'GetMaskSession',
  sign: 'SignSurvivors',
  reveal: 'RevealShares',
} as const;

/** Signs and sends one masking step; the envelope's hash covers every field the step carries. */
export function maskStep(client: ParticipantServiceClient, sign: Sign, c: MaskCall): Promise<MaskSessionView__Output> {
  const kind = toWireUpdateKind(c.kind);
  let fields: (string | Uint8Array)[] = [];
  let body: object = {};
  if (c.step === 'advertise') {
    const shares = [...c.shares].sort((a, b) => (a.to < b.to ? -1 : 1));
    const a = c.advert;
    fields = [a.maskPublicKey, a.selfSeedCommitment, a.signature, ...shares.flatMap((s) => [s.to, s.box])];
    body = { advert: a, shares };
  } else if (c.step === 'sign') {
    fields = [...c.survivors, c.signature];
    body = { survivors: c.survivors, signature: c.signature };
  } else if (c.step === 'reveal') {
    fields = c.reveals.flatMap((r) => [r.peerId, r.kind, r.share]);
    body = { reveals: c.reveals };
  }
  const envelope = sign(maskStepDigest(c.step, c.roundId, c.kind, fields), c.roundId, c.keyEpoch);
  const rpc = RPC[c.step];
  const method = client[rpc].bind(client) as (
    req: object,
    opts: { deadline: number },
    cb: (err: Error | null, res?: MaskSessionView__Output) => void,
  ) => void;
  return new Promise((resolve, reject) =>
    method({ envelope, kind, ...body }, { deadline: Date.now() + 60_000 }, (err, res) =>
      err ? reject(callError(rpc, err as never)) : resolve(res!),
    ),
  );
}
