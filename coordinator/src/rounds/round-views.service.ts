import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import { SyndicateError } from '../common/syndicate-error';
import { EvaluationService, type EvaluationView } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import { ParticipantsService } from '../participants/participants.service';
import { Round } from './round.entity';
import { ACTIVE_ROUND_STATES, type RoundState } from './round-state-machine';
import type { FailureCode } from './schedule-policy';

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

/** A round by id, or NOT_FOUND naming it. */
export async function findRound(repo: Repository<Round>, id: string): Promise<Round> {
  const r = await repo.findOne({ where: { id } });
  if (!r) throw new SyndicateError('NOT_FOUND', 'ROUND_NOT_FOUND', `round ${id} does not exist`);
  return r;
}

/** Reads rounds: the entity for services, the view for admins. */
@Injectable()
export class RoundViews {
  constructor(
    @InjectRepository(Round) private readonly repo: Repository<Round>,
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly aggregation: AggregationService,
    private readonly evaluation: EvaluationService,
  ) {}

  get(id: string): Promise<Round> {
    return findRound(this.repo, id);
  }

  /** The federation's unfinished round, if any (at most one runs at a time). */
  async active(federationId: string): Promise<Round | null> {
    return this.repo.findOne({ where: { federationId, state: In([...ACTIVE_ROUND_STATES]) } });
  }

  /** Every unfinished round, across federations (the stepper's work list). */
  async allActive(): Promise<Round[]> {
    return this.repo.find({ where: { state: In([...ACTIVE_ROUND_STATES]) } });
  }

  async collecting(federationId: string): Promise<Round | null> {
    return this.repo.findOne({ where: { federationId, state: 'collecting' } });
  }

  /** The round a console shows as live: the unfinished one, else the last one, else none yet. */
  async current(federationId: string): Promise<RoundView | null> {
    await this.federations.entity(federationId);
    const r =
      (await this.active(federationId)) ??
      (await this.repo.findOne({ where: { federationId }, order: { number: 'DESC' } }));
    return r ? this.view(r.id) : null;
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
}
