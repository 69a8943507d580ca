import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  applyServerOptimizer,
  decodeFloat32,
  encodeFloat32,
  joinModelPayload,
  modelPayloadFloats,
  sealedModelEpoch,
  splitModelPayload,
  type ContributionKind,
  type Task,
  type TrainingPlan,
} from '@syndicate/protocol';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import { Clock } from '../common/clock';
import { KeyedMutex } from '../common/keyed-mutex';
import { faultPoint } from '../common/fault-point';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EvaluationService, type EvaluationView } from '../evaluation/evaluation.service';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { Round } from './round.entity';
import { ACTIVE_ROUND_STATES, assertTransition, decideClose, type RoundState } from './round-state-machine';
import { TaskHub } from '../participants/task-hub';
import { PresenceService } from '../participants/presence.service';
import { LeaderLease } from './leader-lease';
import { KeyCustodyService, SEALED_ENCODING } from '../keys/key-custody.service';
import { AuditService } from '../audit/audit.service';
import type { Federation } from '../federations/federation.entity';
import type { FailureCode } from './schedule-policy';

export interface OpenRoundOptions {
  deadlineSeconds?: number;
  minParticipants?: number;
  /** The round fails if not published this long after it opened. */
  maxDurationSeconds?: number;
  scheduleId?: string;
  scheduleSeq?: number;
}

export interface RoundView {
  id: string;
  federationId: string;
  number: number;
  state: RoundState;
  mode: 'plaintext' | 'secure';
  keyEpoch: number;
  baseModelVersionId: string;
  resultModelVersionId: string | null;
  minParticipants: number;
  openedAt: number;
  deadlineAt: number;
  closedAt: number | null;
  failureReason: string | null;
  failureCode: FailureCode | null;
  scheduleId: string | null;
  pausedAt: number | null;
  mustFinishBy: number | null;
  contributors: {
    participantId: string;
    displayName: string;
    numSamples: number;
    payloadSha256: string;
    acceptedAt: number;
  }[];
  /** The consortium's evaluation of the model this round published (no bank's own figures). */
  evaluation: EvaluationView | null;
}

interface TaskStandardization {
  statsRoundId: string;
  standardizationJson: string;
}

/** A single bank's score distribution is never revealed: an evaluation sum needs at least this many histograms. */
export const MIN_EVALUATION_CONTRIBUTORS = 2;

@Injectable()
export class RoundsService {
  private readonly advancing = new KeyedMutex();

  constructor(
    @InjectRepository(Round) private readonly repo: Repository<Round>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly models: ModelsService,
    private readonly aggregation: AggregationService,
    private readonly evaluation: EvaluationService,
    private readonly hub: TaskHub,
    private readonly presence: PresenceService,
    private readonly lease: LeaderLease,
    private readonly keys: KeyCustodyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Opens the next round from the latest global model and pushes train tasks to connected members. */
  async open(federationId: string, opts: OpenRoundOptions = {}, actor = 'system'): Promise<RoundView> {
    const federation = await this.federations.entity(federationId);
    const plan = this.federations.plan(federation);
    const round = await this.db.transaction(async (em) => {
      const rounds = em.getRepository(Round);
      const active = await rounds.findOne({ where: { federationId, state: In([...ACTIVE_ROUND_STATES]) } });
      if (active) {
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'ROUND_IN_PROGRESS',
          `round ${active.number} (${active.id}) is still ${active.state}; wait for it to publish or fail`,
        );
      }
      const last = await rounds.findOne({ where: { federationId }, order: { number: 'DESC' } });
      const base = await this.models.latest(federationId);
      const now = this.clock.now();
      const r = rounds.create({
        id: newId('rnd'),
        federationId,
        number: (last?.number ?? 0) + 1,
        state: 'open',
        baseModelVersionId: base.id,
        minParticipants: opts.minParticipants ?? plan.rounds.minParticipants,
        openedAt: now,
        deadlineAt: now + (opts.deadlineSeconds ?? plan.rounds.deadlineSeconds) * 1000,
        closedAt: null,
        resultModelVersionId: null,
        failureReason: null,
        mode: plan.aggregation.mode,
        keyEpoch: 0,
        countDeadlineAt: null,
        publisherId: null,
        failureCode: null,
        scheduleId: opts.scheduleId ?? null,
        scheduleSeq: opts.scheduleSeq ?? null,
        mustFinishBy: opts.maxDurationSeconds ? now + opts.maxDurationSeconds * 1000 : null,
        pausedAt: null,
      });
      return rounds.save(r);
    });
    this.log.info({ federationId, roundId: round.id, round: round.number, mode: round.mode }, 'round opened');
    await this.audit.record({
      actor,
      action: 'round.open',
      federationId,
      subject: round.id,
      detail: {
        round: round.number,
        minParticipants: round.minParticipants,
        deadlineAt: round.deadlineAt,
        mode: round.mode,
        ...(round.scheduleId ? { scheduleId: round.scheduleId, scheduleSeq: round.scheduleSeq } : {}),
      },
    });
    // The first step may fail (no dealer online yet, a busy database): the round is open and the driver retries.
    await this.advance(round).catch((err: unknown) =>
      this.log.warn({ roundId: round.id, err }, 'first round step deferred to the driver'),
    );
    return this.view(round.id);
  }

  private async startCollecting(round: Round, members?: string[]): Promise<void> {
    await this.transition(round, 'collecting');
    const { plan, std } = await this.taskContext(round.federationId);
    const ids = members ?? (await this.participants.active(round.federationId)).map((p) => p.id);
    for (const id of ids) this.hub.push(id, this.trainTask(round, plan, std));
  }

  /** What every task carries about federated standardisation: where the statistics are, and the moments once reported. */
  private static standardization(f: Federation): TaskStandardization {
    return { statsRoundId: f.featureStatsRoundId ?? '', standardizationJson: f.featureMomentsJson ?? '' };
  }

  /** The plan in force and the standardisation fields, from one read of the federation: what building tasks needs. */
  private async taskContext(federationId: string): Promise<{ plan: TrainingPlan; std: TaskStandardization }> {
    const f = await this.federations.entity(federationId);
    return { plan: this.federations.plan(f), std: RoundsService.standardization(f) };
  }

  /** Secure mode: once the federation has a key epoch for its current members, collect encrypted sample counts. */
  private async startCounting(round: Round, federation: Federation): Promise<void> {
    const epoch = await this.keys.ensureEpoch(federation);
    if (!epoch) return; // a key ceremony is under way; the next tick retries
    const now = this.clock.now();
    // A quarter of the round's time for counts, the rest for training.
    const countDeadlineAt = now + Math.max(1000, Math.floor((round.deadlineAt - now) / 4));
    // A new epoch may have re-sealed the current model: train from the copy every member can open.
    const base = await this.models.latest(round.federationId);
    await this.transition(round, 'counting', undefined, {
      keyEpoch: epoch.epoch,
      countDeadlineAt,
      baseModelVersionId: base.id,
    });
    // Plans with federated standardisation: this round's members also add their encrypted feature moments.
    if (this.federations.needsFeatureStats(federation))
      await this.federations.assignFeatureStatsRound(federation, round.id);
    const std = RoundsService.standardization(federation);
    for (const id of await this.epochMembers(round)) this.hub.push(id, this.countTask(round, epoch.parameterSet, std));
  }

  /** Active members holding the round's key epoch. */
  private async epochMembers(round: Round): Promise<string[]> {
    const members = KeyCustodyService.members(await this.keys.epoch(round.federationId, round.keyEpoch));
    const active = new Set((await this.participants.active(round.federationId)).map((p) => p.id));
    return members.filter((m) => active.has(m));
  }

  /** Who evaluates a round's model: members holding its key epoch (secure), or every active member (plaintext). */
  async evaluators(round: Round): Promise<string[]> {
    return round.mode === 'secure'
      ? this.epochMembers(round)
      : (await this.participants.active(round.federationId)).map((p) => p.id);
  }

  /** Secure mode: only members whose count is in the count sum may contribute, so the weights add up. */
  async assertMayContribute(
    round: Round,
    participantId: string,
    kind: ContributionKind,
    em?: EntityManager,
  ): Promise<void> {
    if (kind === 'evaluation') {
      if (!(await this.evaluators(round)).includes(participantId)) {
        throw new SyndicateError(
          'PERMISSION_DENIED',
          'NOT_AN_EVALUATOR',
          `participant ${participantId} cannot evaluate round ${round.number}'s model (it does not hold key epoch ${round.keyEpoch}, or is not active)`,
        );
      }
      return;
    }
    if (kind === 'stats') {
      const f = await this.federations.entity(round.federationId);
      if (f.featureStatsRoundId !== round.id)
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'NO_STATS_PHASE',
          `round ${round.number} does not collect feature statistics`,
        );
    }
    if (kind === 'count' || kind === 'stats') {
      if (!(await this.epochMembers(round)).includes(participantId)) {
        throw new SyndicateError(
          'PERMISSION_DENIED',
          'NOT_A_KEY_MEMBER',
          `participant ${participantId} does not hold key epoch ${round.keyEpoch}; it joins at the next round`,
        );
      }
      return;
    }
    const counted = await this.aggregation.contributors(round.id, em, 'count');
    if (!counted.some((c) => c.participantId === participantId)) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'NOT_COUNTED',
        `participant ${participantId} sent no sample count in round ${round.number}, so its update cannot be weighted`,
      );
    }
  }

  /** Re-sends whatever an agent missed while it was away (reconnects are normal). */
  async onSubscribe(p: Participant): Promise<void> {
    await this.keys.onSubscribe(p);
    const round = await this.repo.findOne({
      where: { federationId: p.federationId, state: In(['counting', 'collecting', 'aggregating']) },
    });
    const { plan, std } = await this.taskContext(p.federationId);
    if (round) {
      const has = async (kind: 'model' | 'count') =>
        (await this.aggregation.contributors(round.id, undefined, kind)).some((r) => r.participantId === p.id);
      if (round.state === 'counting' && !(await has('count')) && (await this.epochMembers(round)).includes(p.id)) {
        this.hub.push(p.id, this.countTask(round, plan.aggregation.secure.parameterSet, std));
      } else if (
        round.state === 'collecting' &&
        !(await has('model')) &&
        (round.mode === 'plaintext' || (await has('count')))
      ) {
        this.hub.push(p.id, this.trainTask(round, plan, std));
      } else if (round.state === 'aggregating' && round.mode === 'secure' && (await has('model'))) {
        this.hub.push(p.id, this.applyTask(round, plan, p.id === round.publisherId, std));
      }
    }
    for (const ev of await this.evaluation.pending(p.federationId)) {
      const r = await this.get(ev.roundId);
      const sent = (await this.aggregation.contributors(r.id, undefined, 'evaluation')).some(
        (c) => c.participantId === p.id,
      );
      if (ev.state === 'collecting' && !sent && (await this.evaluators(r)).includes(p.id))
        this.hub.push(p.id, this.evaluateTask(r, ev, plan, std));
      if (ev.state === 'decrypting' && sent)
        this.hub.push(p.id, this.evaluateTask(r, ev, plan, std, 'TASK_TYPE_EVALUATION_RESULT'));
    }
  }

  /** Offers every agent connected here whatever it should be doing now (idempotent; agents drop repeats). */
  async reofferConnected(): Promise<void> {
    const ids = this.hub.connectedIds();
    if (!ids.length) return;
    for (const p of await this.participants.byIds(ids)) {
      if (p.status !== 'active') continue;
      await this.onSubscribe(p).catch((err: unknown) => this.log.warn({ participantId: p.id, err }, 're-offer failed'));
    }
  }

  /** Drives every unfinished round one step; safe to call at any time, including right after a restart. */
  async tick(): Promise<void> {
    if (!this.lease.isLeader) return;
    for (const ev of await this.evaluation.pending()) {
      await this.stepEvaluation(ev).catch((err: unknown) =>
        this.log.error({ modelVersionId: ev.modelVersionId, err }, 'evaluation step failed; will retry'),
      );
    }
    const rounds = await this.repo.find({ where: { state: In([...ACTIVE_ROUND_STATES]) } });
    for (const round of rounds) {
      try {
        if (round.pausedAt === null && round.mustFinishBy !== null && this.clock.now() >= round.mustFinishBy) {
          await this.fail(
            round,
            'MAX_DURATION',
            `not published within its maximum duration (by ${new Date(round.mustFinishBy).toISOString()})`,
          );
          continue;
        }
        await this.advance(round);
      } catch (err) {
        if (err instanceof SyndicateError && err.reason === 'ROUND_MOVED') continue;
        this.log.error({ roundId: round.id, err }, 'round step failed; will retry');
      }
    }
  }

  /**
   * Moves a round one step. Serialised per round and re-read first: the driver's tick,
   * an admin opening it and an upload completing it can all ask at once, and each step
   * (a key epoch, a transition) must happen exactly once.
   */
  async advance(round: Round): Promise<void> {
    // Only the leader moves rounds; the others' agents and admins wait for its next tick.
    if (!this.lease.isLeader) return;
    return this.advancing.run(round.id, async () => {
      const fresh = await this.repo.findOne({ where: { id: round.id } });
      if (!fresh) return;
      Object.assign(round, fresh);
      return this.step(round);
    });
  }

  private async step(round: Round): Promise<void> {
    // Paused: frozen where it is; updates still arrive and are kept.
    if (round.pausedAt !== null) return;
    if (round.state === 'open') {
      if (round.mode === 'plaintext') return this.startCollecting(round);
      if (this.clock.now() >= round.deadlineAt) {
        return this.fail(
          round,
          'NO_DEALER',
          'no key epoch could be dealt before the deadline (no member connected to act as dealer)',
        );
      }
      return this.startCounting(round, await this.federations.entity(round.federationId));
    }
    if (round.state === 'aggregating') return round.mode === 'secure' ? this.askToPublish(round) : this.publish(round);
    if (round.state === 'counting') return this.closeCounting(round);
    if (round.state !== 'collecting') return;
    // Decided under the round's update lock, so no update can commit between the
    // count and the transition and then be missing from the published sum.
    const decision = await this.aggregation.exclusive(round.id, async () => {
      const contributors = (await this.aggregation.contributors(round.id)).length;
      const active = new Set((await this.participants.active(round.federationId)).map((p) => p.id));
      // Secure: the members whose counts are in the sum, minus any revoked since.
      const expected =
        round.mode === 'secure'
          ? (await this.aggregation.contributors(round.id, undefined, 'count')).filter((c) =>
              active.has(c.participantId),
            ).length
          : active.size;
      const d = decideClose({
        now: this.clock.now(),
        deadlineAt: round.deadlineAt,
        contributors,
        minParticipants: round.minParticipants,
        expected,
      });
      if (d.action === 'aggregate') await this.transition(round, 'aggregating');
      if (d.action === 'fail') await this.fail(round, 'QUORUM_MISSED', d.reason);
      return d;
    });
    if (decision.action === 'aggregate')
      await (round.mode === 'secure' ? this.askToPublish(round) : this.publish(round));
  }

  private async closeCounting(round: Round): Promise<void> {
    await this.aggregation.exclusive(round.id, async () => {
      const counted = (await this.aggregation.contributors(round.id, undefined, 'count')).map((r) => r.participantId);
      const expected = (await this.epochMembers(round)).length;
      const d = decideClose({
        now: this.clock.now(),
        deadlineAt: round.countDeadlineAt ?? round.deadlineAt,
        contributors: counted.length,
        minParticipants: round.minParticipants,
        expected,
      });
      if (d.action === 'aggregate') await this.startCollecting(round, counted);
      if (d.action === 'fail') await this.fail(round, 'QUORUM_MISSED', d.reason.replace('updates', 'sample counts'));
      return d;
    });
  }

  private async fail(round: Round, code: FailureCode, reason: string, em?: EntityManager): Promise<void> {
    round.failureReason = reason;
    round.failureCode = code;
    await this.transition(round, 'failed', em);
    this.log.warn(
      { federationId: round.federationId, roundId: round.id, round: round.number, code, reason },
      'round failed',
    );
  }

  /** Freezes a running round: no deadline runs, no transition happens, members are told. */
  async pause(round: Round, actor: string, why: string): Promise<void> {
    if (round.pausedAt !== null || !ACTIVE_ROUND_STATES.includes(round.state)) return;
    const now = this.clock.now();
    const res = await this.repo.update({ id: round.id, state: round.state }, { pausedAt: now });
    if (!res.affected) return;
    round.pausedAt = now;
    await this.audit.record({
      actor,
      action: 'round.paused',
      federationId: round.federationId,
      subject: round.id,
      detail: { round: round.number, why },
    });
    this.hub.notify(round.federationId, {
      kind: 'KIND_PAUSED',
      roundId: round.id,
      roundNumber: round.number,
      message: why,
      deadlineUnixMs: '',
    });
  }

  /** Unfreezes a round; every deadline moves by the time it was paused, so members lose none of theirs. */
  async resume(round: Round, actor: string): Promise<void> {
    if (round.pausedAt === null) return;
    const shift = this.clock.now() - round.pausedAt;
    const moved = (t: number | null) => (t === null ? null : t + shift);
    const patch = {
      pausedAt: null,
      deadlineAt: round.deadlineAt + shift,
      countDeadlineAt: moved(round.countDeadlineAt),
      mustFinishBy: moved(round.mustFinishBy),
    };
    const res = await this.repo.update({ id: round.id, state: round.state }, patch);
    if (!res.affected) return;
    Object.assign(round, patch);
    await this.audit.record({
      actor,
      action: 'round.resumed',
      federationId: round.federationId,
      subject: round.id,
      detail: { round: round.number, pausedForSeconds: shift / 1000, deadlineAt: round.deadlineAt },
    });
    this.hub.notify(round.federationId, {
      kind: 'KIND_RESUMED',
      roundId: round.id,
      roundNumber: round.number,
      message: 'resumed',
      deadlineUnixMs: String(round.deadlineAt),
    });
  }

  /** Ends a running round without a model; members drop their work for it. */
  async cancel(roundId: string, actor: string, why = 'cancelled by the consortium admin'): Promise<RoundView> {
    let round = await this.get(roundId);
    for (let attempt = 0; attempt < 3 && ACTIVE_ROUND_STATES.includes(round.state); attempt++) {
      try {
        await this.aggregation.exclusive(round.id, () => this.fail(round, 'CANCELLED', `${why} (${actor})`));
        await this.audit.record({
          actor,
          action: 'round.cancelled',
          federationId: round.federationId,
          subject: round.id,
          detail: { round: round.number, why },
        });
        this.hub.notify(round.federationId, {
          kind: 'KIND_ROUND_CANCELLED',
          roundId: round.id,
          roundNumber: round.number,
          message: why,
          deadlineUnixMs: '',
        });
        break;
      } catch (err) {
        // The driver moved it meanwhile: look again.
        if (!(err instanceof SyndicateError && err.reason === 'ROUND_MOVED')) throw err;
        round = await this.get(roundId);
      }
    }
    if (round.state === 'published') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'ROUND_FINISHED',
        `round ${round.number} already published model ${round.resultModelVersionId}; it can no longer be cancelled`,
      );
    }
    return this.view(round.id);
  }

  async active(federationId: string): Promise<Round | null> {
    return this.repo.findOne({ where: { federationId, state: In([...ACTIVE_ROUND_STATES]) } });
  }

  /**
   * Secure mode: the encrypted sum is final. Every contributor can decrypt and
   * apply it; one (the publisher) uploads the result. A publisher that went away
   * is replaced by a connected contributor.
   */
  private async askToPublish(round: Round): Promise<void> {
    if (round.publisherId && (await this.presence.isOnline(round.publisherId))) return;
    const contributors = (await this.aggregation.contributors(round.id)).map((r) => r.participantId);
    const online = new Set(await this.presence.online(round.federationId));
    const publisher = contributors.find((id) => online.has(id));
    if (!publisher) return;
    const first = round.publisherId === null;
    const res = await this.repo.update({ id: round.id, state: 'aggregating' }, { publisherId: publisher });
    if (!res.affected) return;
    round.publisherId = publisher;
    const { plan, std } = await this.taskContext(round.federationId);
    for (const id of contributors)
      if (first || id === publisher) this.hub.push(id, this.applyTask(round, plan, id === publisher, std));
    this.log.info({ roundId: round.id, publisher }, 'aggregate ready; publisher chosen');
  }

  /** A member publishes the model it computed from the decrypted aggregate. Idempotent for late publishers. */
  async publishFromMember(
    p: Participant,
    r: { roundId: string; baseModelVersionId: string; encoding: string; data: Buffer },
  ): Promise<string> {
    const round = await this.get(r.roundId);
    if (round.federationId !== p.federationId)
      throw new SyndicateError('PERMISSION_DENIED', 'WRONG_FEDERATION', `round ${r.roundId} is not in your federation`);
    if (round.state === 'published' && round.resultModelVersionId) return round.resultModelVersionId;
    if (round.mode !== 'secure' || round.state !== 'aggregating') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'ROUND_NOT_AGGREGATING',
        `round ${round.number} is ${round.state}; it does not take a published model`,
      );
    }
    if (r.baseModelVersionId !== round.baseModelVersionId) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'STALE_BASE_MODEL',
        `model was computed from ${r.baseModelVersionId}, round ${round.number} started from ${round.baseModelVersionId}`,
      );
    }
    const contributors = await this.aggregation.contributors(round.id);
    if (!contributors.some((c) => c.participantId === p.id)) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_CONTRIBUTOR',
        `participant ${p.id} did not contribute to round ${round.number} and cannot publish its model`,
      );
    }
    const federation = await this.federations.entity(round.federationId);
    const plan = this.federations.plan(federation);
    const base = await this.models.summary(round.baseModelVersionId);
    const wanted =
      plan.aggregation.secure.releasePolicy === 'members-only' ? SEALED_ENCODING : 'PAYLOAD_ENCODING_FLOAT32_LE';
    if (r.encoding !== wanted) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'WRONG_RELEASE_ENCODING',
        `release policy ${plan.aggregation.secure.releasePolicy} requires ${wanted}, got ${r.encoding}`,
      );
    }
    // Weights, then the server optimizer's moments for fedadam/fedyogi.
    const floats = modelPayloadFloats(plan);
    try {
      if (wanted === SEALED_ENCODING) {
        if (sealedModelEpoch(r.data) !== round.keyEpoch)
          throw new SyndicateError(
            'INVALID_ARGUMENT',
            'WRONG_KEY_EPOCH',
            `model must be sealed under key epoch ${round.keyEpoch}`,
          );
        if (r.data.length !== 8 + 24 + 16 + 4 * floats)
          throw new SyndicateError(
            'INVALID_ARGUMENT',
            'SHAPE_MISMATCH',
            `sealed model size does not match ${floats} values (${base.numParams} parameters, ${plan.serverOptimizer.type})`,
          );
      } else {
        decodeFloat32(r.data, floats);
      }
    } catch (err) {
      if (err instanceof SyndicateError) throw err;
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_MODEL_PAYLOAD', (err as Error).message);
    }
    let evaluation: ModelEvaluation | undefined;
    const modelId = await this.db.transaction(async (em) => {
      const existing = await this.models.byRound(round.federationId, round.number, em);
      if (existing) return existing.id;
      const model = await this.models.create(
        {
          federationId: round.federationId,
          roundNumber: round.number,
          contributors: contributors.length,
          encoding: wanted,
          numParams: base.numParams,
          planSha256: federation.planSha256,
          data: r.data,
          keyEpoch: wanted === SEALED_ENCODING ? round.keyEpoch : 0,
        },
        em,
      );
      round.resultModelVersionId = model.id;
      await this.transition(round, 'published', em);
      // Opened with the publication: a crash right after commit cannot leave a model that is never evaluated.
      evaluation = await this.openEvaluation(round, model.id, plan, em);
      return model.id;
    });
    this.log.info(
      {
        federationId: round.federationId,
        roundId: round.id,
        round: round.number,
        modelVersionId: modelId,
        publisher: p.id,
      },
      'round published',
    );
    if (evaluation) await this.offerEvaluation(round, evaluation);
    return modelId;
  }

  private async publish(round: Round): Promise<void> {
    const federation = await this.federations.entity(round.federationId);
    const plan = this.federations.plan(federation);
    const modelId = await this.db.transaction(async (em) => {
      // Idempotent: a coordinator that died after writing the model but before the state resumes here.
      const existing = await this.models.byRound(round.federationId, round.number, em);
      if (existing) return existing.id;
      const result = await this.aggregation.result(round.id, em);
      if (!result)
        throw new SyndicateError(
          'INTERNAL',
          'EMPTY_AGGREGATE',
          `round ${round.id} has no accepted updates to aggregate`,
        );
      const model = await this.models.create(
        {
          federationId: round.federationId,
          roundNumber: round.number,
          contributors: result.contributors,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams: result.weights.length,
          planSha256: federation.planSha256,
          data: encodeFloat32(await this.nextPayload(plan, round, result.weights)),
        },
        em,
      );
      return model.id;
    });
    round.resultModelVersionId = modelId;
    await this.transition(round, 'published');
    this.log.info(
      { federationId: round.federationId, roundId: round.id, round: round.number, modelVersionId: modelId },
      'round published',
    );
    // Idempotent, like the publication above: a restart that resumes here opens it once.
    await this.offerEvaluation(round, await this.openEvaluation(round, modelId, plan));
  }

  /**
   * The plaintext round's new payload. FedAvg stores the averaged weights; fedadam and
   * fedyogi treat (average - base) as a pseudo-gradient and step from the base model
   * with the optimizer state stored in its payload.
   */
  private async nextPayload(plan: TrainingPlan, round: Round, averaged: Float32Array): Promise<Float32Array> {
    if (plan.serverOptimizer.type === 'fedavg') return averaged;
    const baseModel = await this.models.withData(round.baseModelVersionId);
    if (baseModel.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
      throw new SyndicateError(
        'INTERNAL',
        'BASE_MODEL_SEALED',
        `round ${round.number} starts from sealed model ${baseModel.id}; the coordinator cannot apply ${plan.serverOptimizer.type} to it`,
      );
    }
    const base = splitModelPayload(plan, decodeFloat32(baseModel.data, modelPayloadFloats(plan)));
    const delta = new Float64Array(averaged.length);
    for (let i = 0; i < delta.length; i++) delta[i] = averaged[i] - base.weights[i];
    const next = applyServerOptimizer(plan.serverOptimizer, base.weights, delta, base.state);
    return joinModelPayload(plan, next.weights, next.state);
  }

  /**
   * Every evaluator scores its holdout with the new model and adds its per-class
   * score histograms (encrypted under secure aggregation) to the round's
   * evaluation sum. A failure here never touches the published model.
   */
  private openEvaluation(
    round: Round,
    modelVersionId: string,
    plan: TrainingPlan,
    em?: EntityManager,
  ): Promise<ModelEvaluation> {
    const deadlineAt = this.clock.now() + plan.rounds.deadlineSeconds * 1000;
    const minContributors = Math.max(MIN_EVALUATION_CONTRIBUTORS, round.minParticipants);
    return this.evaluation.open(
      {
        federationId: round.federationId,
        modelVersionId,
        roundId: round.id,
        roundNumber: round.number,
        keyEpoch: round.keyEpoch,
        bins: plan.evaluation.bins,
        minContributors,
        deadlineAt,
      },
      em,
    );
  }

  private async offerEvaluation(round: Round, ev: ModelEvaluation): Promise<void> {
    if (ev.state !== 'collecting') return;
    const { plan, std } = await this.taskContext(round.federationId);
    for (const id of await this.evaluators(round)) this.hub.push(id, this.evaluateTask(round, ev, plan, std));
  }

  /** Closes an evaluation's collection like a round's: everyone in, or the deadline with enough histograms. */
  private async stepEvaluation(ev: ModelEvaluation): Promise<void> {
    const round = await this.get(ev.roundId);
    if (ev.state === 'decrypting') return;
    await this.aggregation.exclusive(round.id, async () => {
      const contributors = (await this.aggregation.contributors(round.id, undefined, 'evaluation')).length;
      const expected = (await this.evaluators(round)).length;
      const d = decideClose({
        now: this.clock.now(),
        deadlineAt: ev.deadlineAt,
        contributors,
        minParticipants: ev.minContributors,
        expected,
      });
      if (d.action === 'fail') await this.evaluation.fail(ev, d.reason.replace('updates', 'evaluation histograms'));
      if (d.action === 'aggregate' && (await this.evaluation.move(ev, 'decrypting', { contributors }))) {
        this.log.info(
          { round: round.number, modelVersionId: ev.modelVersionId, contributors },
          'evaluation sum final; members decrypt it',
        );
        const { plan, std } = await this.taskContext(round.federationId);
        for (const c of await this.aggregation.contributors(round.id, undefined, 'evaluation'))
          this.hub.push(c.participantId, this.evaluateTask(round, ev, plan, std, 'TASK_TYPE_EVALUATION_RESULT'));
      }
    });
  }

  /** After an evaluation upload: close early if it was the last one expected. */
  async advanceEvaluation(roundId: string): Promise<void> {
    if (!this.lease.isLeader) return;
    const ev = await this.evaluation.byRound(roundId);
    if (ev?.state === 'collecting') await this.stepEvaluation(ev);
  }

  private async transition(
    round: Round,
    to: RoundState,
    em?: EntityManager,
    extra: Partial<Round> = {},
  ): Promise<void> {
    assertTransition(round.state, to);
    const patch: Partial<Round> = { ...extra, state: to };
    if (to === 'published' || to === 'failed' || to === 'aggregating')
      patch.closedAt = round.closedAt ?? this.clock.now();
    if (to === 'published') patch.resultModelVersionId = round.resultModelVersionId;
    if (to === 'failed') Object.assign(patch, { failureReason: round.failureReason, failureCode: round.failureCode });
    // Compare-and-set on the state column: two drivers can never both move a round.
    const res = await (em ?? this.db.manager).getRepository(Round).update({ id: round.id, state: round.state }, patch);
    if (!res.affected)
      throw new SyndicateError('FAILED_PRECONDITION', 'ROUND_MOVED', `round ${round.id} was moved by someone else`);
    Object.assign(round, patch);
    this.log.info({ roundId: round.id, state: to }, 'round transition');
    // Inside the caller's transaction when there is one: a crash before it commits leaves neither.
    const entry = {
      actor: 'system',
      action: `round.${to}`,
      federationId: round.federationId,
      subject: round.id,
      detail: {
        round: round.number,
        keyEpoch: round.keyEpoch,
        ...(to === 'published' ? { modelVersionId: round.resultModelVersionId } : {}),
        ...(to === 'failed' ? { reason: round.failureReason, code: round.failureCode } : {}),
        ...(to === 'published' || to === 'failed'
          ? { durationSeconds: (this.clock.now() - round.openedAt) / 1000 }
          : {}),
      },
    };
    await (em ? this.audit.recordIn(em, entry) : this.audit.record(entry));
    faultPoint(`round.${to}`); // test-only crash injection: a secure publish is still uncommitted here
  }

  async get(id: string): Promise<Round> {
    const r = await this.repo.findOne({ where: { id } });
    if (!r) throw new SyndicateError('NOT_FOUND', 'ROUND_NOT_FOUND', `round ${id} does not exist`);
    return r;
  }

  async collecting(federationId: string): Promise<Round | null> {
    return this.repo.findOne({ where: { federationId, state: 'collecting' } });
  }

  async list(federationId: string): Promise<RoundView[]> {
    await this.federations.entity(federationId);
    const rounds = await this.repo.find({ where: { federationId }, order: { number: 'ASC' } });
    return Promise.all(rounds.map((r) => this.view(r.id)));
  }

  async view(id: string): Promise<RoundView> {
    const r = await this.get(id);
    const names = new Map((await this.participants.list(r.federationId)).map((p) => [p.id, p.displayName]));
    const receipts = await this.aggregation.contributors(r.id);
    const ev = r.resultModelVersionId ? await this.evaluation.get(r.resultModelVersionId) : null;
    return {
      id: r.id,
      federationId: r.federationId,
      number: r.number,
      state: r.state,
      mode: r.mode,
      keyEpoch: r.keyEpoch,
      baseModelVersionId: r.baseModelVersionId,
      resultModelVersionId: r.resultModelVersionId,
      minParticipants: r.minParticipants,
      openedAt: r.openedAt,
      deadlineAt: r.deadlineAt,
      closedAt: r.closedAt,
      failureReason: r.failureReason,
      failureCode: r.failureCode,
      scheduleId: r.scheduleId,
      pausedAt: r.pausedAt,
      mustFinishBy: r.mustFinishBy,
      contributors: receipts.map((c) => ({
        participantId: c.participantId,
        displayName: names.get(c.participantId) ?? c.participantId,
        numSamples: c.numSamples,
        payloadSha256: c.payloadSha256,
        acceptedAt: c.acceptedAt,
      })),
      evaluation: ev ? this.evaluation.view(ev) : null,
    };
  }

  private roundTask(round: Round, type: Task['type'], parameterSet: string, std: TaskStandardization): Task {
    return {
      taskId: newId('tsk'),
      type,
      roundId: round.id,
      roundNumber: round.number,
      modelVersionId: round.baseModelVersionId,
      deadlineUnixMs: String(
        type === 'TASK_TYPE_COUNT' ? (round.countDeadlineAt ?? round.deadlineAt) : round.deadlineAt,
      ),
      keyEpoch: round.keyEpoch,
      parameterSet: round.mode === 'secure' ? parameterSet : '',
      ...std,
    };
  }

  private trainTask(round: Round, plan: TrainingPlan, std: TaskStandardization): Task {
    return this.roundTask(round, 'TASK_TYPE_TRAIN', plan.aggregation.secure.parameterSet, std);
  }

  private countTask(round: Round, parameterSet: string, std: TaskStandardization): Task {
    return this.roundTask(round, 'TASK_TYPE_COUNT', parameterSet, std);
  }

  private applyTask(round: Round, plan: TrainingPlan, publisher: boolean, std: TaskStandardization): Task {
    return { ...this.roundTask(round, 'TASK_TYPE_APPLY', plan.aggregation.secure.parameterSet, std), publisher };
  }

  private evaluateTask(
    round: Round,
    ev: ModelEvaluation,
    plan: TrainingPlan,
    std: TaskStandardization,
    type: 'TASK_TYPE_EVALUATE' | 'TASK_TYPE_EVALUATION_RESULT' = 'TASK_TYPE_EVALUATE',
  ): Task {
    return {
      ...this.roundTask(round, type, plan.aggregation.secure.parameterSet, std),
      modelVersionId: ev.modelVersionId,
      deadlineUnixMs: String(ev.deadlineAt),
    };
  }
}
