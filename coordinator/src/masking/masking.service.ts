import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  canonicalSurvivors,
  committedSetDigest,
  maskKeyAdvertValid,
  survivorSignatureValid,
  type ContributionKind,
  type MaskSession,
} from '@syndicate/protocol';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { faultPoint } from '../common/fault-point';
import { SyndicateError } from '../common/syndicate-error';
import type { Participant } from '../participants/participant.entity';
import { MaskMessage, type MaskMessageType } from './mask-message.entity';
import { MaskSessionRecord } from './mask-session.entity';
import { toView, type AdvertBody, type MaskSessionView, type RevealBody } from './mask-session-view';

export interface OpenMaskSession {
  federationId: string;
  roundId: string;
  kind: ContributionKind;
  keyEpoch: number;
  threshold: number;
  expected: readonly string[];
  advertDeadlineAt: number;
}

const sessionId = (roundId: string, kind: ContributionKind) => `${roundId}:${kind}`;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const ids = (json: string | null): string[] => (json ? (JSON.parse(json) as string[]) : []);
const refused = (reason: 'MASK_STEP_INVALID' | 'MASK_ADVERT_INVALID', message: string) =>
  new SyndicateError('INVALID_ARGUMENT', reason, message);

/**
 * The coordinator's side of pairwise masking: it stores and relays what members send and fixes
 * the survivor set when the phase closes. It checks what it can (signatures, who may send what)
 * so garbage is refused early, but members never rely on it: each checks every advert, signature
 * and share itself (participant-sdk/src/masking).
 */
@Injectable()
export class MaskingService {
  constructor(
    @InjectRepository(MaskSessionRecord) private readonly sessions: Repository<MaskSessionRecord>,
    @InjectRepository(MaskMessage) private readonly messages: Repository<MaskMessage>,
    private readonly clock: Clock,
  ) {}

  /** Opens the masked sum of a phase (idempotent: a restarted leader may open it again). */
  async open(o: OpenMaskSession, em?: EntityManager): Promise<void> {
    const repo = em ? em.getRepository(MaskSessionRecord) : this.sessions;
    const id = sessionId(o.roundId, o.kind);
    if (await repo.findOne({ where: { id } })) return;
    await repo.insert({
      id,
      federationId: o.federationId,
      roundId: o.roundId,
      kind: o.kind,
      keyEpoch: o.keyEpoch,
      threshold: o.threshold,
      expectedJson: JSON.stringify([...o.expected].sort()),
      state: 'advertising',
      advertDeadlineAt: o.advertDeadlineAt,
      survivorsJson: null,
      failure: null,
    });
  }

  async advertise(
    p: Participant,
    roundId: string,
    kind: ContributionKind,
    advert: AdvertBody,
    shares: readonly { to: string; box: Uint8Array }[],
  ): Promise<MaskSessionView> {
    const s = await this.current(roundId, kind);
    const expected = ids(s.expectedJson);
    if (!expected.includes(p.id))
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'MASK_NOT_EXPECTED',
        `${p.id} is not expected in the ${kind} sum of round ${roundId}`,
      );
    const mine = await this.messages.findOne({ where: { id: msgId(s.id, 'advert', p.id) } });
    if (!mine && s.state !== 'advertising')
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'MASK_ADVERT_LATE',
        `the ${kind} sum of round ${roundId} no longer takes mask keys (state ${s.state}); this member sits this sum out`,
      );
    const session = this.session(s);
    const valid = maskKeyAdvertValid(
      {
        session,
        participantId: p.id,
        maskPublicKey: advert.maskPublicKey,
        selfSeedCommitment: advert.selfSeedCommitment,
        signature: advert.signature,
      },
      Buffer.from(p.signingPublicKey, 'hex'),
    );
    if (!valid)
      throw refused('MASK_ADVERT_INVALID', `the mask advert of ${p.id} is not signed by its signing key for this sum`);
    const holders = [...new Set(shares.map((x) => x.to))].sort();
    if (holders.length !== shares.length || holders.join() !== expected.join())
      throw refused(
        'MASK_ADVERT_INVALID',
        `${p.id} must seal one set of shares to each expected member (${expected.join(', ')}), got ${shares.map((x) => x.to).join(', ')}`,
      );
    if (!mine) {
      await this.sessions.manager
        .transaction(async (em) => {
          await em.getRepository(MaskMessage).insert([
            message(s.id, 'advert', p.id, '', {
              maskPublicKey: b64(advert.maskPublicKey),
              selfSeedCommitment: b64(advert.selfSeedCommitment),
              signature: b64(advert.signature),
            }),
            ...shares.map((x) => message(s.id, 'shares', p.id, x.to, { box: b64(x.box) })),
          ]);
        })
        .catch(async (err: unknown) => {
          // A concurrent retry of the same advert won the insert: fine. Anything else is real.
          if (!(await this.messages.findOne({ where: { id: msgId(s.id, 'advert', p.id) } }))) throw err;
        });
    }
    return this.view(p, roundId, kind);
  }

  /** The session as this member may see it; closes the adverts once every expected member sent one, or at their deadline. */
  async view(p: Pick<Participant, 'id'>, roundId: string, kind: ContributionKind): Promise<MaskSessionView> {
    const s = await this.current(roundId, kind);
    const rows = await this.messages.find({ where: { sessionId: s.id } });
    return toView(s, rows, p.id);
  }

  /** Uploads of a masked kind come only from members whose keys every peer masked with, after the adverts closed. */
  async assertCommitted(roundId: string, participantId: string, kind: ContributionKind): Promise<void> {
    const s = await this.sessions.findOne({ where: { id: sessionId(roundId, kind) } });
    if (!s) return; // this sum is not masked
    const fresh = await this.current(roundId, kind);
    const advert = await this.messages.findOne({ where: { id: msgId(s.id, 'advert', participantId) } });
    if (fresh.state !== 'masking' || !advert)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'MASK_NOT_COMMITTED',
        `${participantId} may not add to the masked ${kind} sum of round ${roundId}: ${
          advert ? `the sum is ${fresh.state}, not taking masked contributions` : 'it advertised no mask keys in time'
        }`,
      );
  }

  /**
   * Fixes who is in the sum when its phase closes. Null when masking is off for this sum; otherwise
   * whether at least the threshold of members survived (below it nothing can be unmasked).
   */
  async fixSurvivors(
    roundId: string,
    kind: ContributionKind,
    contributors: readonly string[],
    em?: EntityManager,
  ): Promise<{ ok: true } | { ok: false; reason: string } | null> {
    const repo = em ? em.getRepository(MaskSessionRecord) : this.sessions;
    const s = await repo.findOne({ where: { id: sessionId(roundId, kind) } });
    if (!s) return null;
    if (s.state === 'confirming') return { ok: true };
    if (s.state === 'failed') return { ok: false, reason: s.failure ?? 'the masked sum failed' };
    const survivors = canonicalSurvivors(contributors);
    if (survivors.length < s.threshold) {
      const reason = `${survivors.length} members are in the masked ${kind} sum of round ${roundId}, the masking threshold is ${s.threshold}: nothing is revealed, the sum is not decrypted`;
      await repo.update({ id: s.id }, { state: 'failed', failure: reason, survivorsJson: JSON.stringify(survivors) });
      return { ok: false, reason };
    }
    await repo.update({ id: s.id }, { state: 'confirming', survivorsJson: JSON.stringify(survivors) });
    faultPoint('mask.survivors'); // test-only crash injection: survivors fixed, the phase not yet moved on
    return { ok: true };
  }

  /** A survivor's signature over the survivor set and the peer keys the sum was masked with. */
  async signSurvivors(
    p: Participant,
    roundId: string,
    kind: ContributionKind,
    survivors: readonly string[],
    signature: Uint8Array,
  ): Promise<MaskSessionView> {
    const s = await this.confirming(roundId, kind);
    const fixed = ids(s.survivorsJson);
    if (!fixed.includes(p.id)) throw refused('MASK_STEP_INVALID', `${p.id} is not a survivor of the ${kind} sum`);
    if (canonicalSurvivors(survivors).join() !== fixed.join())
      throw refused('MASK_STEP_INVALID', `the set signed is not the survivor set of the ${kind} sum`);
    const adverts = await this.adverts(s.id);
    const ok = survivorSignatureValid(
      this.session(s),
      fixed,
      committedSetDigest(this.session(s), adverts),
      signature,
      Buffer.from(p.signingPublicKey, 'hex'),
    );
    if (!ok) throw refused('MASK_STEP_INVALID', `the survivor signature of ${p.id} does not verify`);
    faultPoint('mask.sign'); // test-only crash injection: a survivor signature received, not stored
    await this.insertOnce(message(s.id, 'signature', p.id, '', { signature: b64(signature) }));
    return this.view(p, roundId, kind);
  }

  /** A survivor's shares: of each survivor's self-mask seed, of each dropped member's mask key; never both for one peer. */
  async reveal(
    p: Participant,
    roundId: string,
    kind: ContributionKind,
    reveals: readonly { peerId: string; kind: string; share: Uint8Array }[],
  ): Promise<MaskSessionView> {
    const s = await this.confirming(roundId, kind);
    const fixed = ids(s.survivorsJson);
    const signed = await this.messages.findOne({ where: { id: msgId(s.id, 'signature', p.id) } });
    if (!signed) throw refused('MASK_STEP_INVALID', `${p.id} reveals shares before signing the survivor set`);
    const committed = new Set((await this.adverts(s.id)).map((a) => a.participantId));
    for (const r of reveals) {
      const allowed = fixed.includes(r.peerId) ? 'self-mask' : 'mask-key';
      if (!committed.has(r.peerId) || r.kind !== allowed)
        throw refused(
          'MASK_STEP_INVALID',
          `${p.id} may reveal only the ${allowed} share of ${r.peerId}, not its ${r.kind} share`,
        );
    }
    for (const r of reveals)
      await this.insertOnce(
        message(s.id, 'reveal', p.id, r.peerId, { kind: r.kind, share: b64(r.share) } satisfies RevealBody),
      );
    faultPoint('mask.reveal'); // test-only crash injection: shares stored, the answer not sent
    return this.view(p, roundId, kind);
  }

  /**
   * Called once the sum's unmasking time is up: fewer than the threshold of survivors revealed some
   * peer's share (survivors dropped before revealing), so no member can take the masks off. The
   * sum fails, and members still waiting on it stop. Null when not masked, or enough came in.
   */
  async failIfUnrevealed(roundId: string, kind: ContributionKind): Promise<{ reason: string } | null> {
    const s = await this.sessions.findOne({ where: { id: sessionId(roundId, kind) } });
    if (!s || s.state !== 'confirming') return s?.state === 'failed' ? { reason: s.failure ?? '' } : null;
    const reveals = await this.messages.find({ where: { sessionId: s.id, type: 'reveal' } });
    const committed = (await this.adverts(s.id)).map((a) => a.participantId);
    const revealers = (peer: string) => new Set(reveals.filter((r) => r.toId === peer).map((r) => r.fromId)).size;
    const fewest = Math.min(...committed.map(revealers));
    if (fewest >= s.threshold) return null;
    const survivors = ids(s.survivorsJson);
    const reason = `${survivors.length} members are in the masked ${kind} sum of round ${roundId}, but the shares needed came from only ${fewest} of them in time and the masking threshold is ${s.threshold}: no mask can come off, the sum is not decrypted`;
    await this.sessions.update({ id: s.id, state: 'confirming' }, { state: 'failed', failure: reason });
    return { reason };
  }

  /** The sum's masking threshold; 0 when the sum is not masked. */
  async threshold(roundId: string, kind: ContributionKind): Promise<number> {
    return (await this.sessions.findOne({ where: { id: sessionId(roundId, kind) } }))?.threshold ?? 0;
  }

  private session(s: MaskSessionRecord): MaskSession {
    return { federationId: s.federationId, roundId: s.roundId, keyEpoch: s.keyEpoch, kind: s.kind };
  }

  private async adverts(id: string) {
    const rows = await this.messages.find({ where: { sessionId: id, type: 'advert' } });
    return rows.map((r) => ({
      participantId: r.fromId,
      maskPublicKey: Buffer.from((JSON.parse(r.body) as { maskPublicKey: string }).maskPublicKey, 'base64'),
    }));
  }

  /** The session, with its adverts closed first when everyone is in or their time is up. */
  private async current(roundId: string, kind: ContributionKind): Promise<MaskSessionRecord> {
    const s = await this.sessions.findOne({ where: { id: sessionId(roundId, kind) } });
    if (!s)
      throw new SyndicateError(
        'NOT_FOUND',
        'MASK_SESSION_UNKNOWN',
        `no masked ${kind} sum is open for round ${roundId}`,
      );
    if (s.state !== 'advertising') return s;
    const advertised = await this.messages.count({ where: { sessionId: s.id, type: 'advert' } });
    const everyone = advertised >= ids(s.expectedJson).length;
    // Past the window, close as soon as the threshold is in: members that come later sit this sum out.
    // Below it, keep waiting: the phase's own deadline fails the round if it never gets there.
    if (!everyone && (this.clock.now() < s.advertDeadlineAt || advertised < s.threshold)) return s;
    s.state = 'masking';
    await this.sessions.update({ id: s.id, state: 'advertising' }, { state: s.state });
    faultPoint('mask.adverts'); // test-only crash injection: the committed set frozen, no member told yet
    return (await this.sessions.findOne({ where: { id: s.id } }))!;
  }

  private async confirming(roundId: string, kind: ContributionKind): Promise<MaskSessionRecord> {
    const s = await this.current(roundId, kind);
    if (s.state !== 'confirming')
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'MASK_STEP_OUT_OF_ORDER',
        `the masked ${kind} sum of round ${roundId} is ${s.state}: survivors are signed and shares revealed once its phase closed`,
      );
    return s;
  }

  private async insertOnce(m: MaskMessage): Promise<void> {
    const before = await this.messages.findOne({ where: { id: m.id } });
    if (before) {
      if (before.body !== m.body)
        throw refused('MASK_STEP_INVALID', `${m.fromId} already sent a different ${m.type} for this sum`);
      return;
    }
    await this.messages.insert(m).catch(async (err: unknown) => {
      const raced = await this.messages.findOne({ where: { id: m.id } });
      if (!raced || raced.body !== m.body) throw err;
    });
  }
}

const msgId = (session: string, type: MaskMessageType, from: string, to = '') => `${session}|${type}|${from}|${to}`;

function message(session: string, type: MaskMessageType, from: string, to: string, body: object): MaskMessage {
  return Object.assign(new MaskMessage(), {
    id: msgId(session, type, from, to),
    sessionId: session,
    type,
    fromId: from,
    toId: to,
    body: JSON.stringify(body),
  });
}

export type { AdvertBody };
