import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { encodeFloat32, type Task } from '@syndicate/protocol';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EvaluationService } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { Round } from './round.entity';
import { ACTIVE_ROUND_STATES, assertTransition, decideClose, type RoundState } from './round-state-machine';
import { TaskHub } from '../participants/task-hub';

export interface RoundView {
  id: string;
  federationId: string;
  number: number;
  state: RoundState;
  baseModelVersionId: string;
  resultModelVersionId: string | null;
  minParticipants: number;
  openedAt: number;
  deadlineAt: number;
  closedAt: number | null;
  failureReason: string | null;
  contributors: { participantId: string; displayName: string; numSamples: number; payloadSha256: string; acceptedAt: number }[];
  evaluations: { participantId: string; displayName: string; numExamples: number; loss: number; accuracy: number; auc: number }[];
}

@Injectable()
export class RoundsService {
  constructor(
    @InjectRepository(Round) private readonly repo: Repository<Round>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly models: ModelsService,
    private readonly aggregation: AggregationService,
    private readonly evaluation: EvaluationService,
    private readonly hub: TaskHub,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Opens the next round from the latest global model and pushes train tasks to connected members. */
  async open(federationId: string, opts: { deadlineSeconds?: number; minParticipants?: number } = {}): Promise<RoundView> {
    const federation = await this.federations.entity(federationId);
    const plan = this.federations.plan(federation);
    const round = await this.db.transaction(async (em) => {
      const rounds = em.getRepository(Round);
      const active = await rounds.findOne({ where: { federationId, state: In([...ACTIVE_ROUND_STATES]) } });
      if (active) {
        throw new SyndicateError('FAILED_PRECONDITION', 'ROUND_IN_PROGRESS', `round ${active.number} (${active.id}) is still ${active.state}; wait for it to publish or fail`);
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
      });
      return rounds.save(r);
    });
    this.log.info({ federationId, roundId: round.id, round: round.number }, 'round opened');
    await this.startCollecting(round);
    return this.view(round.id);
  }

  private async startCollecting(round: Round): Promise<void> {
    await this.transition(round, 'collecting');
    for (const p of await this.participants.active(round.federationId)) this.hub.push(p.id, this.trainTask(round));
  }

  /** Re-sends whatever an agent missed while it was away (reconnects are normal). */
  async onSubscribe(p: Participant): Promise<void> {
    const round = await this.repo.findOne({ where: { federationId: p.federationId, state: 'collecting' } });
    if (round) {
      const done = (await this.aggregation.contributors(round.id)).some((r) => r.participantId === p.id);
      if (!done) this.hub.push(p.id, this.trainTask(round));
    }
    const latest = await this.models.latest(p.federationId);
    if (latest.roundNumber > 0 && !(await this.evaluation.has(latest.id, p.id))) {
      this.hub.push(p.id, this.evaluateTask(latest.id, latest.roundNumber));
    }
  }

  /** Drives every unfinished round one step; safe to call at any time, including right after a restart. */
  async tick(): Promise<void> {
    const rounds = await this.repo.find({ where: { state: In([...ACTIVE_ROUND_STATES]) } });
    for (const round of rounds) {
      try {
        await this.advance(round);
      } catch (err) {
        this.log.error({ roundId: round.id, err }, 'round step failed; will retry');
      }
    }
  }

  async advance(round: Round): Promise<void> {
    if (round.state === 'open') return this.startCollecting(round);
    if (round.state === 'aggregating') return this.publish(round);
    if (round.state !== 'collecting') return;
    // Decided under the round's update lock, so no update can commit between the
    // count and the transition and then be missing from the published sum.
    const decision = await this.aggregation.exclusive(round.id, async () => {
      const contributors = (await this.aggregation.contributors(round.id)).length;
      const expected = (await this.participants.active(round.federationId)).length;
      const d = decideClose({ now: this.clock.now(), deadlineAt: round.deadlineAt, contributors, minParticipants: round.minParticipants, expected });
      if (d.action === 'aggregate') await this.transition(round, 'aggregating');
      if (d.action === 'fail') {
        round.failureReason = d.reason;
        await this.transition(round, 'failed');
      }
      return d;
    });
    if (decision.action === 'aggregate') await this.publish(round);
    if (decision.action === 'fail') {
      this.log.warn({ federationId: round.federationId, roundId: round.id, round: round.number, reason: decision.reason }, 'round failed');
    }
  }

  private async publish(round: Round): Promise<void> {
    const federation = await this.federations.entity(round.federationId);
    const modelId = await this.db.transaction(async (em) => {
      // Idempotent: a coordinator that died after writing the model but before the state resumes here.
      const existing = await this.models.byRound(round.federationId, round.number, em);
      if (existing) return existing.id;
      const result = await this.aggregation.result(round.id, em);
      if (!result) throw new SyndicateError('INTERNAL', 'EMPTY_AGGREGATE', `round ${round.id} has no accepted updates to aggregate`);
      const model = await this.models.create(
        {
          federationId: round.federationId,
          roundNumber: round.number,
          contributors: result.contributors,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams: result.weights.length,
          planSha256: federation.planSha256,
          data: encodeFloat32(result.weights),
        },
        em,
      );
      return model.id;
    });
    round.resultModelVersionId = modelId;
    await this.transition(round, 'published');
    this.log.info({ federationId: round.federationId, roundId: round.id, round: round.number, modelVersionId: modelId }, 'round published');
    for (const id of this.hub.connected(round.federationId)) this.hub.push(id, this.evaluateTask(modelId, round.number));
  }

  private async transition(round: Round, to: RoundState, em?: EntityManager): Promise<void> {
    assertTransition(round.state, to);
    const patch: Partial<Round> = { state: to };
    if (to === 'published' || to === 'failed' || to === 'aggregating') patch.closedAt = round.closedAt ?? this.clock.now();
    if (to === 'published') patch.resultModelVersionId = round.resultModelVersionId;
    if (to === 'failed') patch.failureReason = round.failureReason;
    // Compare-and-set on the state column: two drivers can never both move a round.
    const res = await (em ?? this.db.manager).getRepository(Round).update({ id: round.id, state: round.state }, patch);
    if (!res.affected) throw new SyndicateError('FAILED_PRECONDITION', 'ROUND_MOVED', `round ${round.id} was moved by someone else`);
    Object.assign(round, patch);
    this.log.info({ roundId: round.id, state: to }, 'round transition');
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
    const evals = r.resultModelVersionId ? await this.evaluation.forModel(r.resultModelVersionId) : [];
    return {
      id: r.id,
      federationId: r.federationId,
      number: r.number,
      state: r.state,
      baseModelVersionId: r.baseModelVersionId,
      resultModelVersionId: r.resultModelVersionId,
      minParticipants: r.minParticipants,
      openedAt: r.openedAt,
      deadlineAt: r.deadlineAt,
      closedAt: r.closedAt,
      failureReason: r.failureReason,
      contributors: receipts.map((c) => ({
        participantId: c.participantId,
        displayName: names.get(c.participantId) ?? c.participantId,
        numSamples: c.numSamples,
        payloadSha256: c.payloadSha256,
        acceptedAt: c.acceptedAt,
      })),
      evaluations: evals.map((e) => ({
        participantId: e.participantId,
        displayName: names.get(e.participantId) ?? e.participantId,
        numExamples: e.numExamples,
        loss: e.loss,
        accuracy: e.accuracy,
        auc: e.auc,
      })),
    };
  }

  private trainTask(round: Round): Task {
    return {
      taskId: newId('tsk'),
      type: 'TASK_TYPE_TRAIN',
      roundId: round.id,
      roundNumber: round.number,
      modelVersionId: round.baseModelVersionId,
      deadlineUnixMs: String(round.deadlineAt),
      keyEpoch: 0,
    };
  }

  private evaluateTask(modelVersionId: string, roundNumber: number): Task {
    return { taskId: newId('tsk'), type: 'TASK_TYPE_EVALUATE', roundId: '', roundNumber, modelVersionId, deadlineUnixMs: '0', keyEpoch: 0 };
  }
}
