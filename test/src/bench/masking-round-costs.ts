/**
 * What pairwise masking (issue 15) adds to one member's secure round, from the real protocol
 * functions the member runs (participant-sdk/src/masking/member-masking.ts) on real keys, shares and
 * signatures of `n` members, and the real protobuf messages of the four masking RPCs. No gRPC: at
 * 50 and 100 members a full masked round is too slow for the bench's default run, so bench-main adds
 * these figures to a measured HE round (bench/README.md, "Masking").
 */
import { randomBytes } from 'crypto';
import nacl from 'tweetnacl';
import {
  HeKeyHolder,
  checkReveal,
  committedSetDigest,
  dealShares,
  encodeSampleCount,
  encodeWeightedDelta,
  generateFederationKey,
  layoutOf,
  maskKeyAdvertValid,
  maskSlots,
  maskingSettingsSchema,
  newMaskKeyPair,
  openShares,
  pack,
  pairSeed,
  parseTrainingPlan,
  planMasking,
  planSecureSpec,
  rebuildSelfSeed,
  seededRandom,
  selfSeedCommitment,
  signMaskKeyAdvert,
  signSurvivorSet,
  unmaskSum,
  verifySurvivorSet,
  type ContributionKind,
  type MaskKeyAdvert,
  type MaskSession,
  type OpenedShares,
  type SealedShares,
} from '@syndicate/protocol';
import { maskingMessageBytes } from './masking-message-bytes';
import { benchPlan } from './secure-round-bench';

/** Ids as the coordinator makes them (`newId`): a prefix and 24 hex digits, so message sizes are real. */
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

interface Peer {
  participantId: string;
  sign: nacl.SignKeyPair;
  box: nacl.BoxKeyPair;
  selfSeed: Uint8Array;
  maskSecretKey: Uint8Array;
  maskPublicKey: Uint8Array;
}

const newPeer = (): Peer => {
  const k = newMaskKeyPair();
  return {
    participantId: id('prt'),
    sign: nacl.sign.keyPair(),
    box: nacl.box.keyPair(),
    selfSeed: nacl.randomBytes(32),
    maskSecretKey: k.secretKey,
    maskPublicKey: k.publicKey,
  };
};

export interface SumCost {
  kind: ContributionKind;
  fields: number;
  /** One member's CPU seconds (user + system): advert and share dealing. */
  prepare_seconds: number;
  /** Checking the committed adverts, a pair seed per peer, masking the packed slots. */
  mask_seconds: number;
  /** Survivor-set signature and check, opening its shares, the reveal, rebuilding every self-mask seed, unmaskSum. */
  open_seconds: number;
  upload_bytes: number;
  download_bytes: number;
}

export interface MaskingRoundCost {
  members: number;
  threshold: number;
  sums: SumCost[];
  member_cpu_seconds: number;
  upload_bytes: number;
  download_bytes: number;
  extra_bytes_per_member: number;
}

const cpu = async <T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number }> => {
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, seconds: (c.user + c.system) / 1e6 };
};

const flatten = (parts: readonly Uint32Array[]): Uint32Array => {
  const out = new Uint32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * One masked sum with no dropout, seen by member 0 of `peers` (every member does the same work in
 * parallel). The other members' adverts, shares, signatures and reveals are made beforehand, untimed.
 */
async function sumCost(
  session: MaskSession,
  peers: Peer[],
  fields: Uint32Array,
  holder: HeKeyHolder,
): Promise<SumCost> {
  const ids = peers.map((p) => p.participantId).sort();
  const threshold = planMasking(maskingSettingsSchema.parse({ enabled: true }), session, ids).threshold;
  const me = peers[0];
  const signKeyOf = new Map(peers.map((p) => [p.participantId, p.sign.publicKey]));
  const boxOf = new Map(peers.map((p) => [p.participantId, p.box.publicKey]));
  const holders = ids.map((participantId) => ({ participantId, boxPublicKey: boxOf.get(participantId)! }));
  const advertOf = (p: Peer): MaskKeyAdvert =>
    signMaskKeyAdvert(
      {
        session,
        participantId: p.participantId,
        maskPublicKey: p.maskPublicKey,
        selfSeedCommitment: selfSeedCommitment(session, p.participantId, p.selfSeed),
      },
      p.sign.secretKey,
    );
  const deal = (p: Peer) =>
    dealShares({
      session,
      selfId: p.participantId,
      secrets: p,
      threshold,
      holders,
      senderBoxSecretKey: p.box.secretKey,
    });

  // The member's own work: a fresh mask key and seed, Shamir shares sealed to every holder, a signed advert.
  const prep = await cpu(async () => {
    const pair = newMaskKeyPair();
    Object.assign(me, { maskSecretKey: pair.secretKey, maskPublicKey: pair.publicKey, selfSeed: nacl.randomBytes(32) });
    return { shares: await deal(me), advert: advertOf(me) };
  });
  const others = peers.slice(1);
  const adverts = [prep.value.advert, ...others.map(advertOf)];
  const dealt = new Map<Peer, SealedShares[]>([[me, prep.value.shares]]);
  for (const p of others) dealt.set(p, await deal(p));
  const toMe = peers.map((p) => dealt.get(p)!.find((s) => s.to === me.participantId)!);

  // Check every advert against its pinned key, agree a seed with each peer, mask the packed slots.
  const slots = flatten(pack(fields, layoutOf(holder.rt)));
  const mask = await cpu(() => {
    for (const a of adverts)
      if (!maskKeyAdvertValid(a, signKeyOf.get(a.participantId)!)) throw new Error('bench advert did not verify');
    const pairs = others.map((p) => ({ peerId: p.participantId, seed: pairSeed(session, me, p) }));
    return maskSlots(slots, {
      session,
      modulus: holder.rt.plainModulus,
      selfId: me.participantId,
      selfSeed: me.selfSeed,
      pairs,
    });
  });

  // Survivors: everyone. Their signatures and their reveals of each survivor's self-mask share.
  const digest = committedSetDigest(session, adverts);
  const signatures = peers.map((p) => ({
    participantId: p.participantId,
    signature: signSurvivorSet(session, ids, digest, p.sign.secretKey),
  }));
  const opened = new Map<string, Map<string, OpenedShares>>();
  for (const p of peers) opened.set(p.participantId, new Map());
  const byId = new Map(peers.map((p) => [p.participantId, p]));
  for (const p of peers) {
    for (const s of dealt.get(p)!)
      opened.get(s.to)!.set(
        p.participantId,
        openShares({
          session,
          selfId: s.to,
          sealed: s,
          senderBoxPublicKey: p.box.publicKey,
          recipientBoxSecretKey: byId.get(s.to)!.box.secretKey,
        }),
      );
  }
  const committed = new Set(ids);
  const open = await cpu(async () => {
    const mySignature = signSurvivorSet(session, ids, digest, me.sign.secretKey);
    const verdict = verifySurvivorSet(
      { session, survivors: ids, committedDigest: digest, signatures },
      {
        session,
        selfId: me.participantId,
        contributed: true,
        threshold,
        committed,
        committedDigest: digest,
        signKeyOf: (x) => signKeyOf.get(x),
      },
    );
    if (!verdict.ok) throw new Error(`bench survivor set: ${verdict.message}`);
    const holdings = new Map(
      toMe.map((s) => [
        s.from,
        openShares({
          session,
          selfId: me.participantId,
          sealed: s,
          senderBoxPublicKey: boxOf.get(s.from)!,
          recipientBoxSecretKey: me.box.secretKey,
        }),
      ]),
    );
    const reveal = checkReveal(
      { session, survivors: ids, asks: ids.map((peerId) => ({ peerId, kind: 'self-mask' as const })) },
      {
        session,
        selfId: me.participantId,
        threshold,
        committed,
        holdings,
        signedSurvivors: ids,
        revealed: new Map(),
      },
    );
    if (!reveal.ok) throw new Error(`bench reveal: ${reveal.message}`);
    // Every survivor's self-mask seed from `threshold` revealed shares, then off the decrypted sum.
    const seeds = await Promise.all(
      peers.map((p) =>
        rebuildSelfSeed({
          session,
          participantId: p.participantId,
          shares: ids.slice(0, threshold).map((h) => opened.get(h)!.get(p.participantId)!.selfShare),
          threshold,
          commitment: selfSeedCommitment(session, p.participantId, p.selfSeed),
        }),
      ),
    );
    unmaskSum(flatten(pack(fields, layoutOf(holder.rt))), {
      session,
      modulus: holder.rt.plainModulus,
      survivorSelfSeeds: seeds,
      droppedPairs: [],
    });
    return { mySignature, reveals: reveal.reveals };
  });

  // Bytes: the protobuf messages of the calls member-masking.ts makes, one view per wait (see README).
  const bytes = maskingMessageBytes({
    session,
    me: { participantId: me.participantId, signSecretKey: me.sign.secretKey },
    ids,
    threshold,
    adverts,
    myShares: prep.value.shares,
    toMe,
    mySignature: open.value.mySignature,
    myReveals: open.value.reveals,
    signatures,
    allReveals: peers.flatMap((p) =>
      ids.map((peerId) => ({
        revealer: p.participantId,
        peerId,
        kind: 'self-mask',
        share: opened.get(p.participantId)!.get(peerId)!.selfShare,
      })),
    ),
  });
  return {
    kind: session.kind,
    fields: fields.length,
    prepare_seconds: prep.seconds,
    mask_seconds: mask.seconds,
    open_seconds: open.seconds,
    upload_bytes: bytes.upload,
    download_bytes: bytes.download,
  };
}

/** Masking's extra work and bytes for one member in one secure round of `members` members (count and model sums, no dropout). */
export async function maskingRoundCost(params: number, members: number): Promise<MaskingRoundCost> {
  const plan = parseTrainingPlan(benchPlan('syndicate_bfv', params, members));
  const spec = planSecureSpec(plan);
  const holder = await HeKeyHolder.open(await generateFederationKey(plan.aggregation.secure.parameterSet, 1));
  try {
    const peers = Array.from({ length: members }, newPeer);
    const federationId = id('fed');
    const roundId = id('rnd');
    const delta = new Float64Array(params).map((_, i) => Math.sin(i) * 0.01);
    const sums = [
      await sumCost(
        { federationId, roundId, keyEpoch: 1, kind: 'count' },
        peers,
        encodeSampleCount(1000, spec),
        holder,
      ),
      await sumCost(
        { federationId, roundId, keyEpoch: 1, kind: 'model' },
        peers,
        encodeWeightedDelta(delta, 1 / members, spec, seededRandom(1)).fields,
        holder,
      ),
    ];
    const upload = sums.reduce((s, x) => s + x.upload_bytes, 0);
    const download = sums.reduce((s, x) => s + x.download_bytes, 0);
    return {
      members,
      threshold: planMasking(
        maskingSettingsSchema.parse({ enabled: true }),
        { federationId, roundId, keyEpoch: 1, kind: 'model' },
        peers.map((p) => p.participantId),
      ).threshold,
      sums,
      member_cpu_seconds: sums.reduce((s, x) => s + x.prepare_seconds + x.mask_seconds + x.open_seconds, 0),
      upload_bytes: upload,
      download_bytes: download,
      extra_bytes_per_member: upload + download,
    };
  } finally {
    holder.dispose();
  }
}
