import { Injectable } from '@nestjs/common';
import {
  aggregateEncoding,
  contributionValues,
  planSecureSpec,
  type ContributionKind,
  type ContributionStatement,
  type PayloadEncoding__Output,
} from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import { SyndicateError } from '../common/syndicate-error';
import { EvaluationService } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import type { Participant } from '../participants/participant.entity';
import type { Round } from '../rounds/round.entity';
import { RoundAccess } from './round-access';
import { statementsOf } from './signed-contribution';

export interface ReleasedAggregate {
  data: Buffer;
  contributors: number;
  encoding: PayloadEncoding__Output;
  /** What the sum is made of, as each sender signed it: members check these before decrypting. */
  statements: ContributionStatement[];
}

/** Which sums a member may download, and when: only final ones, only to those they concern. */
@Injectable()
export class AggregateReleaseService {
  constructor(
    private readonly rounds: RoundAccess,
    private readonly evaluation: EvaluationService,
    private readonly federations: FederationsService,
    private readonly aggregation: AggregationService,
  ) {}

  async release(round: Round, p: Participant, kind: ContributionKind): Promise<ReleasedAggregate> {
    const plan = await this.federations.planOf(round.federationId);
    let valueCount: number;
    if (kind === 'evaluation') {
      const ev = await this.evaluation.byRound(round.id);
      if (!ev || (ev.state !== 'decrypting' && ev.state !== 'complete')) {
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'AGGREGATE_NOT_READY',
          `the evaluation of round ${round.number} is ${ev?.state ?? 'not open'}; its sum is not final yet`,
        );
      }
      // Only members whose histograms are in the sum read it.
      await this.assertContributed(round, p, 'evaluation', `sent no histogram for round ${round.number}`);
      valueCount = contributionValues(plan, kind, round.mode, ev.bins);
    } else {
      const ready =
        kind === 'count' || kind === 'stats'
          ? ['collecting', 'aggregating', 'published']
          : ['aggregating', 'published'];
      // Plaintext rounds publish their model; only secure rounds hand sums back to members.
      if (round.mode !== 'secure' || !ready.includes(round.state)) {
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'AGGREGATE_NOT_READY',
          `round ${round.number} is ${round.state}; its ${kind} aggregate is not final yet`,
        );
      }
      await this.rounds.assertMayContribute(round, p.id, 'count');
      valueCount = contributionValues(plan, kind, 'secure');
    }
    const sum = await this.aggregation.sum(round.mode, round.id, kind, {
      keyEpoch: round.keyEpoch,
      valueCount,
      parameterSet: planSecureSpec(plan).parameterSet,
    });
    if (!sum)
      throw new SyndicateError('NOT_FOUND', 'AGGREGATE_NOT_FOUND', `round ${round.number} has no ${kind} aggregate`);
    const statements = statementsOf(round, await this.aggregation.contributors(round.id, undefined, kind));
    return { ...sum, encoding: aggregateEncoding(round.mode), statements };
  }

  /** Throws NOT_A_CONTRIBUTOR unless `p` has a receipt of `kind` in the round. */
  async assertContributed(round: Round, p: Participant, kind: ContributionKind, what: string): Promise<void> {
    if (!(await this.aggregation.contributors(round.id, undefined, kind)).some((c) => c.participantId === p.id)) {
      throw new SyndicateError('PERMISSION_DENIED', 'NOT_A_CONTRIBUTOR', `participant ${p.id} ${what}`);
    }
  }
}
