import nacl from 'tweetnacl';
import {
  DEFAULT_HE_PARAMETER_SET,
  EncryptedSum,
  generateFederationKey,
  HeKeyHolder,
  maskingSettingsSchema,
  type MaskSession,
  type MaskSessionView__Output,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import type { MaskCall } from '../agent/mask-calls';
import type { MemberTrust } from '../trust/member-trust';
import { TrustRefusal } from '../trust/trust-refusal';
import { MaskMemory } from './mask-memory';
import { MemberMasking } from './member-masking';

const IDS = ['bank-a', 'bank-b', 'bank-c', 'bank-d'];
const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'count' };
const settings = maskingSettingsSchema.parse({ enabled: true });

/**
 * The coordinator as a relay, in memory: it keeps what members send and shows each member its view.
 * `lie` lets a test rewrite the view one member gets (the attack); without it the relay is honest.
 */
class Relay {
  adverts: MaskSessionView__Output['adverts'] = [];
  shares: MaskSessionView__Output['shares'] = [];
  signatures: MaskSessionView__Output['signatures'] = [];
  reveals: MaskSessionView__Output['reveals'] = [];
  survivors: string[] = [];
  state = 'advertising';
  failure = '';
  lie?: (member: string, v: MaskSessionView__Output) => MaskSessionView__Output;
  /** The next call of this step from this member dies with the coordinator: after storing it (`stored`) or before. */
  crash?: { member: string; step: MaskCall['step']; stored: boolean };

  constructor(readonly threshold = 3) {}

  call(member: string, c: MaskCall): MaskSessionView__Output {
    const crash = this.crash?.member === member && this.crash.step === c.step ? this.crash : undefined;
    if (crash) this.crash = undefined;
    if (crash && !crash.stored) throw new Error('coordinator died before storing this step');
    // Like the coordinator, a second advert from a member changes nothing.
    if (c.step === 'advertise' && !this.adverts.some((a) => a.participantId === member)) {
      this.adverts.push({ ...c.advert, participantId: member } as MaskSessionView__Output['adverts'][number]);
      this.shares.push(...c.shares.map((s) => ({ ...s, box: Buffer.from(s.box) })));
      if (this.adverts.length === IDS.length) this.state = 'masking';
    }
    if (c.step === 'sign') this.signatures.push({ participantId: member, signature: Buffer.from(c.signature) });
    if (c.step === 'reveal') this.reveals.push(...c.reveals.map((r) => ({ ...r, share: Buffer.from(r.share) })));
    const v: MaskSessionView__Output = {
      state: this.state,
      threshold: this.threshold,
      keyEpoch: 1,
      expected: [...IDS],
      adverts: this.adverts,
      shares: this.shares.filter((s) => s.to === member),
      survivors: this.survivors,
      signatures: this.signatures,
      reveals: this.reveals,
      failure: this.failure,
    };
    if (crash) throw new Error('coordinator died before answering');
    return this.lie ? this.lie(member, v) : v;
  }
}

interface Member {
  id: string;
  masking: MemberMasking;
  refusals: string[];
}

function consortium(relay: Relay): Member[] {
  const keys = IDS.map((id) => ({ id, sign: nacl.sign.keyPair(), box: nacl.box.keyPair() }));
  const trust = {
    refresh: () => Promise.resolve(),
    cardOf: (id: string) => {
      const k = keys.find((x) => x.id === id);
      return (
        k && { participantId: id, displayName: id, signPublicKey: k.sign.publicKey, boxPublicKey: k.box.publicKey }
      );
    },
    whyUntrusted: () => null,
    trustedKey: (id: string) => {
      const k = keys.find((x) => x.id === id);
      return k ? { key: k.sign.publicKey } : { why: 'unknown' };
    },
  } as unknown as MemberTrust;
  return keys.map((k) => {
    const refusals: string[] = [];
    const identity = {
      federationId: session.federationId,
      participantId: k.id,
      signingSecretKey: k.sign.secretKey,
      signingPublicKey: k.sign.publicKey,
      boxSecretKey: k.box.secretKey,
      boxPublicKey: k.box.publicKey,
    } as AgentIdentity;
    const client = {
      mask: (c: MaskCall) => Promise.resolve(relay.call(k.id, c)),
      reportRefusal: (reason: string) => {
        refusals.push(reason);
        return Promise.resolve();
      },
    };
    return { id: k.id, masking: new MemberMasking(identity, client, trust, settings, new MaskMemory()), refusals };
  });
}

const counts = [500, 300, 200, 100];
const soon = () => Date.now() + 20_000;

describe('a member in a masked sum, against a coordinator that lies (real SEAL)', () => {
  jest.setTimeout(120_000);
  let holder: HeKeyHolder;
  beforeAll(async () => {
    holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1));
  });
  afterAll(() => holder.dispose());

  /** Every member prepares and seals its count; the relay sums the ciphertexts and fixes the survivors. */
  async function masked(relay: Relay, members: Member[], upload = members) {
    await Promise.all(members.map((m) => m.masking.prepare(session)));
    const sealed = await Promise.all(
      upload.map((m) => m.masking.seal(session, holder, [counts[IDS.indexOf(m.id)], 0, 0, 0], soon())),
    );
    const sum = new EncryptedSum(holder.rt, { keyEpoch: 1, valueCount: 4 });
    for (const s of sealed) sum.add(s);
    relay.survivors = upload.map((m) => m.id).sort();
    relay.state = 'confirming';
    const payload = sum.serialize();
    sum.dispose();
    return { payload, one: sealed[0] };
  }
  const refusal = (e: unknown) => (e instanceof TrustRefusal ? e.reason : String(e));

  it('positive control: the survivors open exactly the sum, and one sealed count decrypts to noise', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload, one } = await masked(relay, members);
    const opened = await Promise.all(members.map((m) => m.masking.open(session, holder, payload, true, soon())));
    for (const o of opened) expect(o[0]).toBe(1100);
    expect(holder.decrypt(one, 'update')[0]).not.toBe(500);
  });

  it('the answer to an advert was lost (the coordinator died after storing it): asked again, the member re-sends the same keys and masks with them', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    relay.crash = { member: 'bank-a', step: 'advertise', stored: true };
    expect(String(await members[0].masking.prepare(session).catch((e: unknown) => e))).toMatch(/died before answering/);
    const { payload } = await masked(relay, members);
    expect(relay.adverts).toHaveLength(4);
    const opened = await Promise.all(members.map((m) => m.masking.open(session, holder, payload, true, soon())));
    for (const o of opened) expect(o[0]).toBe(1100);
  });

  it('a survivor signature the coordinator never stored (it died first): opened again, the member signs again and the sum opens', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload } = await masked(relay, members);
    relay.crash = { member: 'bank-b', step: 'sign', stored: false };
    const b = members[1];
    expect(String(await b.masking.open(session, holder, payload, true, soon()).catch((e: unknown) => e))).toMatch(
      /died before storing/,
    );
    expect(relay.signatures).toHaveLength(0);
    // bank-d dropped after uploading, so the threshold (3) needs bank-b's signature.
    const opening = members.slice(0, 3);
    const opened = await Promise.all(opening.map((m) => m.masking.open(session, holder, payload, true, soon())));
    for (const o of opened) expect(o[0]).toBe(1100);
    expect(relay.signatures.map((x) => x.participantId).sort()).toEqual(['bank-a', 'bank-b', 'bank-c']);
  });

  it('a member that dropped after sharing its keys: the survivors still open the exact sum of theirs', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const survivors = members.slice(0, 3);
    const { payload } = await masked(relay, members, survivors);
    const opened = await Promise.all(survivors.map((m) => m.masking.open(session, holder, payload, true, soon())));
    for (const o of opened) expect(o[0]).toBe(1000);
    // The dropped member's mask key was rebuilt, its self-mask seed never revealed.
    expect(relay.reveals.filter((r) => r.peerId === 'bank-d').every((r) => r.kind === 'mask-key')).toBe(true);
  });

  it('a member that dropped after uploading (it never signs nor reveals): the others open the sum with its part in', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload } = await masked(relay, members);
    const opened = await Promise.all(
      members.slice(0, 3).map((m) => m.masking.open(session, holder, payload, true, soon())),
    );
    for (const o of opened) expect(o[0]).toBe(1100);
  });

  it('TOO_FEW_SURVIVORS: below the threshold nobody signs or reveals anything', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload } = await masked(relay, members, members.slice(0, 2));
    const results = await Promise.allSettled(
      members.slice(0, 2).map((m) => m.masking.open(session, holder, payload, true, soon())),
    );
    expect(results.map((r) => (r.status === 'rejected' ? refusal(r.reason) : 'opened'))).toEqual([
      'TOO_FEW_SURVIVORS',
      'TOO_FEW_SURVIVORS',
    ]);
    expect(relay.signatures).toHaveLength(0);
    expect(relay.reveals).toHaveLength(0);
  });

  it('TOO_FEW_SURVIVORS: survivors gone before revealing; those still waiting stop when the sum fails', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload } = await masked(relay, members);
    // bank-c and bank-d uploaded, then vanished: two signatures, under the threshold of three, so nobody reveals.
    const waiting = Promise.allSettled(
      members.slice(0, 2).map((m) => m.masking.open(session, holder, payload, true, soon())),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(relay.signatures).toHaveLength(2);
    relay.state = 'failed';
    relay.failure = 'only 2 survivors revealed in time';
    const results = await waiting;
    expect(results.map((r) => (r.status === 'rejected' ? refusal(r.reason) : 'opened'))).toEqual([
      'TOO_FEW_SURVIVORS',
      'TOO_FEW_SURVIVORS',
    ]);
    expect(members.slice(0, 2).map((m) => m.refusals)).toEqual([['TOO_FEW_SURVIVORS'], ['TOO_FEW_SURVIVORS']]);
    expect(relay.reveals).toHaveLength(0);
  });

  it('SURVIVOR_SET_MISMATCH: different survivor sets for different members; nothing revealed', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload } = await masked(relay, members);
    // bank-a is told bank-d dropped (so bank-d's mask key would be revealed); the others hear everyone survived.
    relay.lie = (member, v) => (member === 'bank-a' ? { ...v, survivors: ['bank-a', 'bank-b', 'bank-c'] } : v);
    const results = await Promise.allSettled(
      members.map((m) => m.masking.open(session, holder, payload, true, Date.now() + 3_000)),
    );
    const a = results[0];
    expect(a.status === 'rejected' && refusal(a.reason)).toBe('SURVIVOR_SET_MISMATCH');
    expect(members[0].refusals).toContain('SURVIVOR_SET_MISMATCH');
    expect(relay.reveals.filter((r) => r.peerId === 'bank-d' && r.kind === 'mask-key')).toHaveLength(0);
  });

  it('MASK_BOTH_SHARES_REQUESTED: asked again with a survivor now "dropped", a member refuses and reveals nothing more', async () => {
    const relay = new Relay();
    const members = consortium(relay);
    const { payload } = await masked(relay, members);
    await Promise.all(members.map((m) => m.masking.open(session, holder, payload, true, soon())));
    const selfShares = relay.reveals.filter((r) => r.revealer === 'bank-a' && r.peerId === 'bank-d').length;
    // The coordinator now claims bank-d dropped, to collect bank-a's share of bank-d's mask key too.
    relay.survivors = ['bank-a', 'bank-b', 'bank-c'];
    const again = await members[0].masking.open(session, holder, payload, true, soon()).catch((e: unknown) => e);
    expect(refusal(again)).toBe('MASK_BOTH_SHARES_REQUESTED');
    expect(members[0].refusals).toEqual(['MASK_BOTH_SHARES_REQUESTED']);
    expect(relay.reveals.filter((r) => r.revealer === 'bank-a' && r.peerId === 'bank-d')).toHaveLength(selfShares);
    // A set that differs from the signed one without flipping a revealed peer is the plainer lie.
    relay.survivors = ['bank-a', 'bank-b', 'bank-c', 'bank-d', 'bank-e'];
    const other = await members[1].masking.open(session, holder, payload, true, soon()).catch((e: unknown) => e);
    expect(refusal(other)).toBe('SURVIVOR_SET_MISMATCH');
  });

  it("refuses a threshold other than its own plan's (a coordinator lowering it to unmask with fewer shares)", async () => {
    const relay = new Relay(2);
    const [a] = consortium(relay);
    expect(refusal(await a.masking.prepare(session).catch((e: unknown) => e))).toBe('TOO_FEW_SURVIVORS');
  });
});
