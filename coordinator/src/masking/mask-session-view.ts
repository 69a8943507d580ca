import type { MaskSessionView as WireView } from '@syndicate/protocol';
import type { MaskMessage } from './mask-message.entity';
import type { MaskSessionRecord } from './mask-session.entity';

export type MaskSessionView = WireView;

export interface AdvertBody {
  maskPublicKey: Uint8Array;
  selfSeedCommitment: Uint8Array;
  signature: Uint8Array;
}

export interface RevealBody {
  kind: string;
  share: string;
}

const bytes = (b64: string) => Buffer.from(b64, 'base64');

/**
 * What one member sees of a session: every advert, survivor signature and revealed share (the
 * coordinator learns them all anyway), but only the sealed shares addressed to it.
 */
export function toView(s: MaskSessionRecord, rows: readonly MaskMessage[], callerId: string): WireView {
  const of = (type: MaskMessage['type']) => rows.filter((r) => r.type === type);
  return {
    state: s.state,
    threshold: s.threshold,
    keyEpoch: s.keyEpoch,
    expected: JSON.parse(s.expectedJson) as string[],
    adverts: of('advert').map((r) => {
      const b = JSON.parse(r.body) as Record<string, string>;
      return {
        participantId: r.fromId,
        maskPublicKey: bytes(b.maskPublicKey),
        selfSeedCommitment: bytes(b.selfSeedCommitment),
        signature: bytes(b.signature),
      };
    }),
    shares: of('shares')
      .filter((r) => r.toId === callerId)
      .map((r) => ({ from: r.fromId, to: r.toId, box: bytes((JSON.parse(r.body) as { box: string }).box) })),
    survivors: s.survivorsJson ? (JSON.parse(s.survivorsJson) as string[]) : [],
    signatures: of('signature').map((r) => ({
      participantId: r.fromId,
      signature: bytes((JSON.parse(r.body) as { signature: string }).signature),
    })),
    reveals: of('reveal').map((r) => {
      const b = JSON.parse(r.body) as RevealBody;
      return { revealer: r.fromId, peerId: r.toId, kind: b.kind, share: bytes(b.share) };
    }),
    failure: s.failure ?? '',
  };
}
