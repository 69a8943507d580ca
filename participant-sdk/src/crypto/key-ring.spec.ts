import { ownCard } from '../trust/own-card';
import {
  DEFAULT_HE_PARAMETER_SET,
  dealKeyShares,
  encodeFloat32,
  generateFederationKey,
  HeKeyHolder,
  identityFingerprint,
  manifestToWire,
  sealModel,
  type FederationKey,
  type MemberCard,
} from '@syndicate/protocol';
import { MemberTrust } from '../trust/member-trust';
import { trustPolicySchema } from '../trust/trust-policy';
import { newKeyMaterial, type AgentIdentity } from './identity-store';
import { KeyRing, type KeyShareSource } from './key-ring';
import { signDealtManifest } from './trusted-key-share';

type Share = Awaited<ReturnType<KeyShareSource['fetchKeyShare']>>;

const FED = 'fed-1';
const asMember = (id: string, keys = newKeyMaterial()) =>
  ({ ...keys, participantId: id, federationId: FED }) as AgentIdentity;
const cardOf = (m: AgentIdentity): MemberCard => ownCard(m);
const identity = asMember('bank-a');
const dealer = asMember('bank-d');
const third = asMember('bank-c');
/** Whom a coordinator that took over would deal as: a key pair no bank pinned. */
const intruder = asMember('bank-d');

/** A share sealed to `to` by `by`, under the manifest `by` signs naming this member and the dealer. */
function shareFor(key: FederationKey, to: Uint8Array = identity.boxPublicKey, by = dealer): Share {
  const members = [cardOf(identity), cardOf(third), cardOf(by)];
  const { shares, wrappedKey } = dealKeyShares(key, [{ participantId: 'bank-a', boxPublicKey: to }], by.boxSecretKey);
  const signed = signDealtManifest({
    identity: by,
    keyEpoch: key.keyEpoch,
    parameterSet: key.parameterSet,
    members,
    wrappedKey,
  });
  return {
    keyEpoch: key.keyEpoch,
    parameterSet: key.parameterSet,
    dealerBoxPublicKey: Buffer.from(by.boxPublicKey),
    nonce: Buffer.from(shares[0].nonce),
    sealedKey: Buffer.from(shares[0].sealedKey),
    wrappedKey: Buffer.from(wrappedKey),
    manifest: manifestToWire(signed.manifest) as Share['manifest'],
    manifestSignature: Buffer.from(signed.signature),
  };
}

/** A coordinator that hands out the shares it was given and counts the fetches and refusals reported. */
function source(shares: Record<number, Share | Error>) {
  const fetched: number[] = [];
  const refusals: string[] = [];
  const src: KeyShareSource = {
    fetchKeyShare: (epoch) => {
      fetched.push(epoch);
      const s = shares[epoch];
      return s instanceof Error || !s ? Promise.reject(s ?? new Error(`no share for ${epoch}`)) : Promise.resolve(s);
    },
    reportRefusal: async (reason) => {
      refusals.push(reason);
    },
  };
  return { src, fetched, refusals };
}

/** bank-a pins the honest dealer and bank-c; the directory lists whoever the coordinator says. */
const trust = (directory: MemberCard[] = [cardOf(identity), cardOf(third), cardOf(dealer), cardOf(intruder)]) =>
  new MemberTrust(
    FED,
    { participantId: 'bank-a', displayName: 'bank-a', signPublicKey: identity.signingPublicKey },
    () =>
      trustPolicySchema.parse({
        pinned: [
          { name: 'dealer', fingerprint: identityFingerprint(dealer.signingPublicKey) },
          { name: 'third', fingerprint: identityFingerprint(third.signingPublicKey) },
        ],
      }),
    { listMembers: async () => ({ members: directory, endorsements: [] }) },
  );

describe('KeyRing', () => {
  let epoch1: FederationKey;
  let epoch2: FederationKey;
  const rings: KeyRing[] = [];
  const ring = (src: KeyShareSource) => {
    const r = new KeyRing(identity, src, trust());
    rings.push(r);
    return r;
  };

  beforeAll(async () => {
    epoch1 = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1);
    epoch2 = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 2);
  });
  afterAll(() => rings.forEach((r) => r.dispose()));

  it("opens the epoch's share with this member's box key", async () => {
    const { src } = source({ 1: shareFor(epoch1) });
    const { key } = await ring(src).get(1);
    expect(Buffer.from(key.epochSecret)).toEqual(Buffer.from(epoch1.epochSecret));
    expect(Buffer.from(key.modelKey)).toEqual(Buffer.from(epoch1.modelKey));
    expect(key.keyEpoch).toBe(1);
  });

  it('fetches each epoch once, however many tasks ask at the same time', async () => {
    const { src, fetched } = source({ 1: shareFor(epoch1), 2: shareFor(epoch2) });
    const r = ring(src);
    const [a, b] = await Promise.all([r.get(1), r.get(1)]);
    expect(a).toBe(b);
    await r.get(1);
    await r.get(2);
    expect(fetched).toEqual([1, 2]);
  });

  it('forgets a failed fetch, so the next task tries again', async () => {
    const shares: Record<number, Share | Error> = { 1: new Error('coordinator away') };
    const { src, fetched } = source(shares);
    const r = ring(src);
    await expect(r.get(1)).rejects.toThrow('coordinator away');
    shares[1] = shareFor(epoch1);
    await expect(r.get(1)).resolves.toMatchObject({ key: { keyEpoch: 1 } });
    expect(fetched).toEqual([1, 1]);
  });

  it('refuses, and reports, a share dealt by a key no bank pinned (the coordinator dealing itself)', async () => {
    const { src, refusals } = source({ 1: shareFor(epoch1, identity.boxPublicKey, intruder) });
    await expect(ring(src).get(1)).rejects.toMatchObject({ reason: 'MANIFEST_UNTRUSTED_DEALER' });
    expect(refusals).toEqual(['MANIFEST_UNTRUSTED_DEALER']);
    // Positive control: the same share from the pinned dealer opens.
    const honest = source({ 1: shareFor(epoch1) });
    await expect(ring(honest.src).get(1)).resolves.toMatchObject({ key: { keyEpoch: 1 } });
  });

  it('refuses a share without a manifest, or under a manifest whose signature does not hold', async () => {
    const bare = { ...shareFor(epoch1), manifest: null };
    const a = source({ 1: bare });
    await expect(ring(a.src).get(1)).rejects.toMatchObject({ reason: 'MANIFEST_MISSING' });
    const forged = shareFor(epoch1);
    forged.manifestSignature = Buffer.from(forged.manifestSignature);
    forged.manifestSignature[5] ^= 1;
    const b = source({ 1: forged });
    await expect(ring(b.src).get(1)).rejects.toMatchObject({ reason: 'MANIFEST_BAD_SIGNATURE' });
    expect([...a.refusals, ...b.refusals]).toEqual(['MANIFEST_MISSING', 'MANIFEST_BAD_SIGNATURE']);
  });

  it('refuses a share sealed to another member', async () => {
    const other = newKeyMaterial();
    const { src } = source({ 1: shareFor(epoch1, other.boxPublicKey) });
    // The manifest is sound; the box itself does not open for this member.
    await expect(ring(src).get(1)).rejects.toThrow(/not addressed to this member/);
  });

  it('holds a key the dealer remembered without fetching it', async () => {
    const { src, fetched } = source({});
    const r = ring(src);
    const holder = await HeKeyHolder.open(epoch2);
    r.remember(epoch2, holder);
    expect((await r.get(2)).holder).toBe(holder);
    expect(fetched).toEqual([]);
  });

  it('reads a plaintext model as float32', async () => {
    const { src, fetched } = source({});
    const weights = new Float32Array([0.5, -1.25, 3]);
    const out = await ring(src).modelWeights(
      { data: encodeFloat32(weights), encoding: 'PAYLOAD_ENCODING_FLOAT32_LE' },
      3,
    );
    expect(Array.from(out)).toEqual([0.5, -1.25, 3]);
    expect(fetched).toEqual([]);
  });

  it('opens a sealed model with the key of the epoch it names', async () => {
    const { src, fetched } = source({ 1: shareFor(epoch1), 2: shareFor(epoch2) });
    const weights = new Float32Array([1, 2, 3, 4]);
    const out = await ring(src).modelWeights(
      { data: sealModel(weights, epoch2), encoding: 'PAYLOAD_ENCODING_SEALED_FLOAT32' },
      4,
    );
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    expect(fetched).toEqual([2]);
  });
});
