import {
  decodeFloat32,
  HeKeyHolder,
  openKeyShare,
  openSealedModel,
  sealedModelEpoch,
  type FederationKey,
} from '@syndicate/protocol';
import type { AgentIdentity } from './identity-store';

export interface KeyShareSource {
  fetchKeyShare(keyEpoch: number): Promise<{
    keyEpoch: number;
    parameterSet: string;
    dealerBoxPublicKey: Buffer;
    nonce: Buffer;
    sealedKey: Buffer;
    wrappedKey: Buffer;
  }>;
}

/**
 * The member's federation keys, by epoch. Fetched sealed from the coordinator and
 * opened with the bank's X25519 key; never written to disk in the clear.
 */
export class KeyRing {
  private readonly keys = new Map<number, Promise<{ key: FederationKey; holder: HeKeyHolder }>>();

  constructor(
    private readonly identity: AgentIdentity,
    private readonly source: KeyShareSource,
  ) {}

  /** Holds the key a dealer just made, so it need not fetch its own share back. */
  remember(key: FederationKey, holder: HeKeyHolder): void {
    this.keys.set(key.keyEpoch, Promise.resolve({ key, holder }));
  }

  get(keyEpoch: number): Promise<{ key: FederationKey; holder: HeKeyHolder }> {
    let entry = this.keys.get(keyEpoch);
    if (!entry) {
      entry = (async () => {
        const share = await this.source.fetchKeyShare(keyEpoch);
        const key = openKeyShare(
          { nonce: share.nonce, box: share.sealedKey },
          {
            parameterSet: share.parameterSet,
            keyEpoch,
            dealerBoxPublicKey: share.dealerBoxPublicKey,
            wrappedKey: share.wrappedKey,
          },
          this.identity.boxSecretKey,
        );
        return { key, holder: await HeKeyHolder.open(key) };
      })();
      entry.catch(() => this.keys.delete(keyEpoch));
      this.keys.set(keyEpoch, entry);
    }
    return entry;
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
