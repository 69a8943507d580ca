import {
  bothKindsAsked,
  checkReveal,
  committedSetDigest,
  decryptUnmasked,
  describeSession,
  encryptMasked,
  maskKeyAdvertValid,
  pairSeed,
  planMasking,
  signSurvivorSet,
  verifySurvivorSet,
  type HeKeyHolder,
  type MaskingSettings,
  type MaskSession,
  type MaskSessionView__Output,
  type ShareKind,
} from '@syndicate/protocol';
import { faultPoint } from '../common/fault-point';
import type { AgentIdentity } from '../crypto/identity-store';
import type { CoordinatorClient } from '../agent/coordinator-client';
import type { MemberTrust } from '../trust/member-trust';
import { TrustRefusal } from '../trust/trust-refusal';
import { openHeldShares } from './held-shares';
import { dealMask, type DealtMask } from './mask-dealing';
import type { MaskMemory } from './mask-memory';
import { enoughShares, maskRemoval, type Advert } from './mask-removal';

type Client = Pick<CoordinatorClient, 'mask' | 'reportRefusal'>;

const POLL_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (s: MaskSession) => `${s.roundId}:${s.kind}:${s.keyEpoch}`;

/**
 * This member's side of pairwise masking (Bonawitz et al. 2017, double masking): it advertises a
 * fresh mask key and self-mask seed per masked sum and deals Shamir shares of both to the sum's
 * members; masks its packed slots with every committed peer before encrypting; and, once the
 * phase closed, signs the survivor set, reveals for each peer one kind of share only, and removes
 * the masks from the decrypted sum. Everything the coordinator relays is checked here against
 * pinned keys, this member's own plan and what it signed before.
 */
export class MemberMasking {
  /** Dealt once per sum: a retry after a lost answer re-sends the same advert and shares the coordinator may hold. */
  private readonly dealt = new Map<string, DealtMask>();
  private readonly advertised = new Set<string>();
  private readonly committed = new Map<string, Advert[]>();

  constructor(
    private readonly identity: AgentIdentity,
    private readonly client: Client,
    private readonly trust: MemberTrust,
    private readonly settings: MaskingSettings,
    private readonly memory: MaskMemory,
  ) {}

  /** Advertises this member's keys for the sum and deals its shares (once per sum). */
  async prepare(session: MaskSession): Promise<void> {
    if (this.advertised.has(key(session))) return;
    const view = await this.step(session, { step: 'view' });
    const expected = [...view.expected].sort();
    if (!expected.includes(this.identity.participantId))
      throw this.refusal(
        session,
        'TOO_FEW_SURVIVORS',
        `${describeSession(session)}: this member is not among its members`,
      );
    const threshold = this.threshold(session, expected, view);
    await this.trust.refresh();
    const holders = expected.map((id) => {
      const card = this.trust.cardOf(id);
      const why = card ? this.trust.whyUntrusted(card) : 'not a member this bank knows';
      if (!card || why)
        throw this.refusal(
          session,
          'MASK_SHARE_UNKNOWN_PEER',
          `${describeSession(session)}: member ${id} is not trusted (${why})`,
        );
      return { participantId: id, boxPublicKey: card.boxPublicKey };
    });
    const dealt = this.dealt.get(key(session)) ?? (await dealMask(this.identity, session, threshold, holders));
    this.dealt.set(key(session), dealt);
    await this.step(session, { step: 'advertise', advert: dealt.advert, shares: dealt.shares });
    this.advertised.add(key(session));
  }

  /** Waits for the committed set, then masks and encrypts this member's fields for the sum. */
  async seal(session: MaskSession, holder: HeKeyHolder, fields: ArrayLike<number>, deadline: number): Promise<Buffer> {
    await this.prepare(session);
    const mine = this.dealt.get(key(session))!.secrets;
    // A failed sum (too few advertised) ends the wait in until(), refused.
    const view = await this.until(session, deadline, (v) => v.state !== 'advertising', 'the mask adverts to close');
    const adverts = this.verifiedAdverts(session, view);
    const own = adverts.find((a) => a.participantId === this.identity.participantId);
    if (!own)
      throw this.refusal(
        session,
        'SURVIVOR_SET_MISMATCH',
        `${describeSession(session)}: the committed set leaves out this member`,
      );
    // Restarted after advertising: peers mask with the keys it advertised then, which it no longer holds.
    if (!Buffer.from(own.maskPublicKey).equals(Buffer.from(mine.maskPublicKey)))
      throw new Error(`${describeSession(session)}: this agent restarted after advertising; it sits this sum out`);
    this.committed.set(key(session), adverts);
    const self = { participantId: this.identity.participantId, maskSecretKey: mine.maskSecretKey };
    const pairs = adverts
      .filter((a) => a.participantId !== self.participantId)
      .map((a) => ({ peerId: a.participantId, seed: pairSeed(session, self, a) }));
    const masks = { session, selfId: self.participantId, selfSeed: mine.selfSeed, pairs };
    const sealed = encryptMasked(holder, fields, masks);
    faultPoint(`mask.sealed.${session.kind}`); // test-only drop injection: peers masked with this member, it sends nothing
    return sealed;
  }

  /**
   * Signs the survivor set (a survivor), waits for the threshold of survivors' signatures, reveals
   * one kind of share per peer (a survivor), rebuilds the seeds once enough shares are in, and
   * returns the sum's fields without masks.
   */
  async open(
    session: MaskSession,
    holder: HeKeyHolder,
    payload: Uint8Array,
    contributed: boolean,
    deadline: number,
  ): Promise<Float64Array> {
    const where = describeSession(session);
    let view = await this.until(session, deadline, (v) => v.state === 'confirming', 'the survivor set');
    const adverts = this.committed.get(key(session)) ?? this.verifiedAdverts(session, view);
    const threshold = this.threshold(session, [...view.expected].sort(), view);
    const survivors = [...view.survivors];
    if (survivors.length < threshold)
      throw this.refusal(
        session,
        'TOO_FEW_SURVIVORS',
        `${where}: ${survivors.length} survivors, the threshold is ${threshold}; nothing is revealed`,
      );
    const digest = committedSetDigest(session, adverts);
    const committedIds = new Set(adverts.map((a) => a.participantId));
    const survivor = contributed && survivors.includes(this.identity.participantId);
    if (survivor) {
      const signed = this.memory.signedSet(key(session));
      if (signed && signed.join() !== survivors.join()) {
        const both = bothKindsAsked(survivors, this.memory.revealed(key(session)));
        if (both)
          throw this.refusal(
            session,
            'MASK_BOTH_SHARES_REQUESTED',
            `${where}: shown survivors [${survivors.join(', ')}] ask for the ${both.asked} share of ${both.peerId}, whose ${both.revealed} share this member revealed for the set it signed [${signed.join(', ')}]: the two kinds together would unmask it`,
          );
        throw this.refusal(
          session,
          'SURVIVOR_SET_MISMATCH',
          `${where}: shown survivors [${survivors.join(', ')}], this member signed [${signed.join(', ')}]`,
        );
      }
      if (!signed) {
        if (survivors.some((id) => !committedIds.has(id)))
          throw this.refusal(session, 'SURVIVOR_SET_MISMATCH', `${where}: a survivor took no part in the key exchange`);
        await this.memory.recordSigned(key(session), survivors);
      }
      // Signed before but not stored (the coordinator died first): the same set, the same (deterministic) signature.
      if (!view.signatures.some((s) => s.participantId === this.identity.participantId)) {
        const signature = signSurvivorSet(session, survivors, digest, this.identity.signingSecretKey);
        view = await this.step(session, { step: 'sign', survivors, signature });
      }
    }
    const expectation = {
      session,
      selfId: this.identity.participantId,
      contributed,
      threshold,
      committed: committedIds,
      committedDigest: digest,
      signKeyOf: (id: string) => {
        const k = this.trust.trustedKey(id);
        return 'key' in k ? k.key : undefined;
      },
    };
    view = await this.until(
      session,
      deadline,
      (v) => {
        const verdict = verifySurvivorSet(
          { session, survivors, committedDigest: digest, signatures: v.signatures },
          expectation,
        );
        if (verdict.ok) return true;
        // Too few signatures yet is waiting; a signature that does not verify is a lie.
        if (!/survivors signed this survivor set/.test(verdict.message))
          throw this.refusal(session, verdict.code, verdict.message);
        return false;
      },
      'the threshold of survivor signatures',
    );
    if (survivor) {
      faultPoint(`mask.signed.${session.kind}`); // test-only drop injection: the survivor set signed, no share revealed
      await this.reveal(session, view, survivors, adverts, threshold);
    }
    const dropped = adverts.filter((a) => !survivors.includes(a.participantId));
    view = await this.until(
      session,
      deadline,
      (v) => enoughShares(v, survivors, dropped, threshold),
      'the survivors’ shares',
    );
    return decryptUnmasked(holder, payload, await maskRemoval(session, view, survivors, adverts, dropped, threshold));
  }

  private async reveal(
    session: MaskSession,
    view: MaskSessionView__Output,
    survivors: string[],
    adverts: Advert[],
    threshold: number,
  ): Promise<void> {
    const holdings = openHeldShares(session, view, this.identity, this.trust);
    const k = key(session);
    const verdict = checkReveal(
      {
        session,
        survivors,
        asks: adverts.map((a) => ({
          peerId: a.participantId,
          kind: (survivors.includes(a.participantId) ? 'self-mask' : 'mask-key') as ShareKind,
        })),
      },
      {
        session,
        selfId: this.identity.participantId,
        threshold,
        committed: new Set(adverts.map((a) => a.participantId)),
        holdings,
        signedSurvivors: this.memory.signedSet(k),
        revealed: this.memory.revealed(k),
      },
    );
    if (!verdict.ok) throw this.refusal(session, verdict.code, verdict.message);
    await this.memory.recordRevealed(
      k,
      verdict.reveals.map((r) => ({ peerId: r.peerId, kind: r.kind })),
    );
    const reveals = verdict.reveals.map((r) => ({ revealer: this.identity.participantId, ...r }));
    await this.step(session, { step: 'reveal', reveals });
  }

  /** The adverts whose signature verifies with the member's pinned key; any other is the relay's forgery. */
  private verifiedAdverts(session: MaskSession, view: MaskSessionView__Output): Advert[] {
    return view.adverts.map((a) => {
      const k = this.trust.trustedKey(a.participantId);
      const advert = { ...a, session };
      if (!('key' in k) || !maskKeyAdvertValid(advert, k.key))
        throw this.refusal(
          session,
          'SURVIVOR_SET_MISMATCH',
          `${describeSession(session)}: the mask advert of ${a.participantId} is not signed by its pinned key`,
        );
      return {
        participantId: a.participantId,
        maskPublicKey: a.maskPublicKey,
        selfSeedCommitment: a.selfSeedCommitment,
      };
    });
  }

  /** This member's own plan decides the threshold; a coordinator that claims another is refused. */
  private threshold(session: MaskSession, expected: string[], view: MaskSessionView__Output): number {
    const t = planMasking(this.settings, session, expected).threshold;
    if (view.threshold !== t)
      throw this.refusal(
        session,
        'TOO_FEW_SURVIVORS',
        `${describeSession(session)}: the coordinator says threshold ${view.threshold}, this member's plan gives ${t}`,
      );
    return t;
  }

  private async until(
    session: MaskSession,
    deadline: number,
    ready: (v: MaskSessionView__Output) => boolean,
    what: string,
  ): Promise<MaskSessionView__Output> {
    for (;;) {
      const v = await this.step(session, { step: 'view' });
      // A failed sum (too few survivors, at any step) never opens: refused, nothing more is sent.
      if (v.state === 'failed')
        throw this.refusal(session, 'TOO_FEW_SURVIVORS', `${describeSession(session)}: ${v.failure}`);
      if (ready(v)) return v;
      if (Date.now() > deadline) throw new Error(`${describeSession(session)}: gave up waiting for ${what}`);
      await sleep(POLL_MS);
    }
  }

  private step(
    session: MaskSession,
    c: Parameters<Client['mask']>[0] extends infer C ? DistributiveOmit<C, 'roundId' | 'keyEpoch' | 'kind'> : never,
  ) {
    return this.client.mask({
      ...c,
      roundId: session.roundId,
      keyEpoch: session.keyEpoch,
      kind: session.kind,
    } as Parameters<Client['mask']>[0]);
  }

  /** A refusal is reported (the coordinator audits it as agent.refused) and thrown: the sum is not opened. */
  private refusal(session: MaskSession, reason: string, message: string): TrustRefusal {
    void this.client.reportRefusal(reason, message, session.roundId, session.keyEpoch).catch(() => undefined);
    return new TrustRefusal(reason, message);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
