import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { effectiveQuorum } from '@syndicate/protocol';
import { In, type DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { refuseSmallQuorum } from '../federations/quorum-refusal';
import { ModelsService } from '../models/models.service';
import { ChampionService } from '../evaluation/champion.service';
import { Round } from './round.entity';
import { ACTIVE_ROUND_STATES } from './round-state-machine';

export interface OpenRoundOptions {
  deadlineSeconds?: number;
  minParticipants?: number;
  /** The round fails if not published this long after it opened. */
  maxDurationSeconds?: number;
  scheduleId?: string;
  scheduleSeq?: number;
}

/** Stores a federation's next round (one runs at a time), from its latest model and the plan in force. */
@Injectable()
export class RoundCreation {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly models: ModelsService,
    private readonly champions: ChampionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async create(federationId: string, opts: OpenRoundOptions, actor: string): Promise<Round> {
    const plan = await this.federations.planOf(federationId);
    const selection = await this.champions.state(federationId);
    if (selection.stopped) {
      const best = selection.best;
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EARLY_STOPPED',
        `training stopped early: federated validation ${selection.policy.metric} has not improved by more than ${selection.policy.minImprovement} for ${selection.roundsWithoutImprovement} rounds (patience ${selection.policy.patience}); best round ${best?.roundNumber ?? '-'}. Raise selection.patience in a new plan to train further`,
      );
    }
    const mode = plan.aggregation.mode;
    if (opts.minParticipants !== undefined)
      await refuseSmallQuorum(this.audit, {
        mode,
        value: opts.minParticipants,
        field: 'minParticipants (--quorum)',
        actor,
        action: 'round.open',
        federationId,
      });
    // A plan stored before the secure floor existed may name less; the round never runs below it.
    const minParticipants = effectiveQuorum(mode, opts.minParticipants ?? plan.rounds.minParticipants);
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
        minParticipants,
        openedAt: now,
        deadlineAt: now + (opts.deadlineSeconds ?? plan.rounds.deadlineSeconds) * 1000,
        closedAt: null,
        resultModelVersionId: null,
        failureReason: null,
        mode,
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
    return round;
  }
}
