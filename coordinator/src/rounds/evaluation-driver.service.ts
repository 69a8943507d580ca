import { Inject, Injectable } from '@nestjs/common';
import type { TrainingPlan } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { LeaderLease } from '../leadership/leader-lease';
import type { Round } from './round.entity';
import { decideClose } from './round-state-machine';
import { RoundViews } from './round-views.service';
import { evaluationQuorum } from '../evaluation/evaluation-state-machine';
import { EvaluationOffers } from './evaluation-offers.service';
import { decryptionDeadline, unconfirmedReason } from '../evaluation/decryption-deadline';
import { EvaluationService } from '../evaluation/evaluation.service';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';

/**
 * Drives the federated evaluation of each published model: every evaluator scores its
 * holdout with the new model and adds its per-class score histograms (encrypted under
 * secure aggregation) to the round's evaluation sum. A failure here never touches the
 * published model.
 */
@Injectable()
export class EvaluationDriver {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly aggregation: AggregationService,
    private readonly offers: EvaluationOffers,
    private readonly views: RoundViews,
    private readonly lease: LeaderLease,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Opened with the publication (inside its transaction when given), so no published model goes unevaluated. */
  open(round: Round, modelVersionId: string, plan: TrainingPlan, em?: EntityManager): Promise<ModelEvaluation> {
    return this.evaluation.open(
      {
        federationId: round.federationId,
        modelVersionId,
        roundId: round.id,
        roundNumber: round.number,
        keyEpoch: round.keyEpoch,
        bins: plan.evaluation.bins,
        minContributors: evaluationQuorum(round.minParticipants, round.mode),
        deadlineAt: this.clock.now() + plan.rounds.deadlineSeconds * 1000,
        selection: plan.selection,
      },
      em,
    );
  }

  offerEvaluation(round: Round, ev: ModelEvaluation): Promise<void> {
    return this.offers.offer(round, ev);
  }

  /** Steps every pending evaluation; one failing never stops the others. */
  async tick(): Promise<void> {
    for (const ev of await this.evaluation.pending()) {
      await this.stepEvaluation(ev).catch((err: unknown) =>
        this.log.error({ modelVersionId: ev.modelVersionId, err }, 'evaluation step failed; will retry'),
      );
    }
  }

  /** After an evaluation upload: close early if it was the last one expected. */
  async advance(roundId: string): Promise<void> {
    if (!this.lease.isLeader) return;
    const ev = await this.evaluation.byRound(roundId);
    if (ev?.state === 'collecting') await this.stepEvaluation(ev);
  }

  /** Closes an evaluation's collection like a round's: everyone in, or the deadline with enough histograms. */
  async stepEvaluation(ev: ModelEvaluation): Promise<void> {
    if (ev.state === 'decrypting') {
      // Figures need two agreeing members: a sum only one member ever reports fails by name, not silently.
      if (this.clock.now() >= decryptionDeadline(ev))
        await this.evaluation.fail(ev, unconfirmedReason(ev), 'EVALUATION_UNCONFIRMED');
      return;
    }
    const round = await this.views.get(ev.roundId);
    await this.aggregation.exclusive(round.id, async () => {
      const contributors = (await this.aggregation.contributors(round.id, undefined, 'evaluation')).length;
      const expected = (await this.offers.audience(round)).length;
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
        const ids = (await this.aggregation.contributors(round.id, undefined, 'evaluation')).map(
          (c) => c.participantId,
        );
        await this.offers.offerResults(round, ev, ids);
      }
    });
  }
}
