import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  promotes,
  replaySelection,
  selectionFigure,
  selectionSchema,
  type FederatedMetrics,
  type SelectionPolicy,
  type SelectionState,
} from '@syndicate/protocol';
import { IsNull, Not, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { ModelEvaluation } from './model-evaluation.entity';

/** Where a federation's model selection stands: the champion, the best round, whether patience ran out. */
export interface SelectionView extends SelectionState {
  policy: SelectionPolicy;
}

// Evaluations opened before selection existed were judged by the defaults.
const policyOf = (ev: ModelEvaluation): SelectionPolicy =>
  selectionSchema.parse(ev.selectionJson ? JSON.parse(ev.selectionJson) : {});

const figureOf = (ev: ModelEvaluation, policy: SelectionPolicy): number | null =>
  ev.metricsJson ? selectionFigure(JSON.parse(ev.metricsJson) as FederatedMetrics, policy.metric) : null;

/**
 * The registry's champion: a version is promoted only when its federated validation figure
 * beats the current champion's by the plan's margin, and a promotion is never undone.
 * Early stopping reads the same history.
 */
@Injectable()
export class ChampionService {
  constructor(
    @InjectRepository(ModelEvaluation) private readonly repo: Repository<ModelEvaluation>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The current champion's evaluation, or null before any version has a validation figure. */
  async champion(federationId: string): Promise<ModelEvaluation | null> {
    return this.repo.findOne({
      where: { federationId, state: 'complete', promotedAt: Not(IsNull()) },
      order: { roundNumber: 'DESC' },
    });
  }

  /** Called once an evaluation completes: promotes its version if it beats the champion by the margin. */
  async consider(ev: ModelEvaluation): Promise<boolean> {
    const policy = policyOf(ev);
    const current = await this.champion(ev.federationId);
    if (current && current.roundNumber >= ev.roundNumber) return false;
    const figure = figureOf(ev, policy);
    const championFigure = current ? figureOf(current, policy) : null;
    if (!promotes(policy, figure, championFigure)) return false;
    const promotedAt = this.clock.now();
    const res = await this.repo.update({ modelVersionId: ev.modelVersionId, promotedAt: IsNull() }, { promotedAt });
    if (!res.affected) return false;
    ev.promotedAt = promotedAt;
    this.log.info(
      { modelVersionId: ev.modelVersionId, round: ev.roundNumber, metric: policy.metric, figure, championFigure },
      'model promoted to champion',
    );
    await this.audit.record({
      actor: 'system',
      action: 'model.promoted',
      federationId: ev.federationId,
      subject: ev.modelVersionId,
      detail: {
        round: ev.roundNumber,
        metric: policy.metric,
        validation: figure,
        previousChampion: current?.modelVersionId ?? null,
        previousValidation: championFigure,
        margin: policy.promotionMargin,
      },
    });
    return true;
  }

  /** The selection state over every completed evaluation, judged by the latest plan policy recorded. */
  async state(federationId: string): Promise<SelectionView> {
    const done = await this.repo.find({ where: { federationId, state: 'complete' }, order: { roundNumber: 'ASC' } });
    const policy = done.length ? policyOf(done[done.length - 1]) : selectionSchema.parse({});
    const replay = replaySelection(
      policy,
      done.map((e) => ({ roundNumber: e.roundNumber, modelVersionId: e.modelVersionId, figure: figureOf(e, policy) })),
    );
    // The recorded promotions are authoritative (the replay agrees unless the policy changed).
    const champion = done.filter((e) => e.promotedAt !== null).pop();
    return {
      ...replay,
      champion: champion
        ? {
            roundNumber: champion.roundNumber,
            modelVersionId: champion.modelVersionId,
            figure: figureOf(champion, policy),
          }
        : null,
      policy,
    };
  }
}
