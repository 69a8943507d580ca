import {
  decodeFloat32,
  HeKeyHolder,
  manifestFromWire,
  openSealedModel,
  sealedModelEpoch,
  type FederationKey,
  type FetchKeyShareResponse__Output,
} from '@syndicate/protocol';
import type { MemberTrust } from '../trust/member-trust';
import { TrustRefusal } from '../trust/trust-refusal';
import type { AgentIdentity } from './identity-store';
import { openTrustedShare } from './trusted-key-share';

export interface KeyShareSource {
  fetchKeyShare(keyEpoch: number): Promise<FetchKeyShareResponse__Output>;
  /** Where a refused share is reported, so the refusal is in the coordinator's audit log. */
  reportRefusal(reason: string, detail: string, roundId?: string, keyEpoch?: number): Promise<void>;
}

/**
 * The member's federation keys, by epoch. Fetched sealed from the coordinator and opened with the
 * bank's X25519 key only under a manifest this bank trusts (openTrustedShare); never written to disk.
 */
export class KeyRing {
  private readonly keys = new Map<number, Promise<{ key: FederationKey; holder: HeKeyHolder }>>();

  constructor(
    private readonly identity: AgentIdentity,
    private readonly source: KeyShareSource,
    private readonly trust: MemberTrust,
  ) {}

  /** Holds the key a dealer just made, so it need not fetch its own share back. */
  remember(key: FederationKey, holder: HeKeyHolder): void {
    this.keys.set(key.keyEpoch, Promise.resolve({ key, holder }));
  }

  get(keyEpoch: number): Promise<{ key: FederationKey; holder: HeKeyHolder }> {
    let entry = this.keys.get(keyEpoch);
    if (!entry) {
      entry = (async () => {
        const key = await this.open(keyEpoch);
        return { key, holder: await HeKeyHolder.open(key) };
      })();
      entry.catch(() => this.keys.delete(keyEpoch));
      this.keys.set(keyEpoch, entry);
    }
    return entry;
  }

  private async open(keyEpoch: number): Promise<FederationKey> {
    const share = await this.source.fetchKeyShare(keyEpoch);
    try {
      return await openTrustedShare(
        {
          // The epoch asked for, not the one the reply claims.
          keyEpoch,
          parameterSet: share.parameterSet,
          nonce: share.nonce,
          sealedKey: share.sealedKey,
          wrappedKey: share.wrappedKey,
          manifest: share.manifest ? manifestFromWire(share.manifest) : null,
          manifestSignature: share.manifestSignature,
        },
        this.identity,
        this.trust,
      );
    } catch (err) {
      if (err instanceof TrustRefusal) {
        // Best effort: the refusal stands whether or not the coordinator records it.
        await this.source.reportRefusal(err.reason, err.message, '', keyEpoch).catch(() => undefined);
      }
      throw err;
    }
  }

  /** A downloaded global model's weights: plaintext, or sealed (members-only) and opened with the epoch key it names. */
  async modelWeights(model: { data: Uint8Array; encoding: string }, numParams: number): Promise<Float32Array> {
    if (model.encoding === 'PAYLOAD_ENCODING_SEALED_FLOAT32')
      return openSealedModel(model.data, (await this.get(sealedModelEpoch(model.data))).key, numParams);
    return decodeFloat32(model.data, numParams);
  }

  dispose(): void {
    for (const e of this.keys.values()) void e.then((k) => k.holder.dispose()).catch(() => undefined);
    this.keys.clear();
  }
}
