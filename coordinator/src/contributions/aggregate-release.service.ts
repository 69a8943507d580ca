import { Injectable } from '@nestjs/common';
import {
  aggregateEncoding,
  contributionValues,
  effectiveQuorum,
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
import { statementsOf } from './signed-contribution';

const WHAT: Record<ContributionKind, string> = {
  model: 'model update',
  count: 'sample count',
  stats: 'feature statistics',
  evaluation: 'evaluation histogram',
};

export interface ReleasedAggregate {
  data: Buffer;
  contributors: number;
  encoding: PayloadEncoding__Output;
  /** What the sum is made of, as each sender signed it: members check these before decrypting. */
  statements: ContributionStatement[];
}

/** Which sums a member may download, and when: only final ones, of a quorum, only to the members whose contribution is in them. */
@Injectable()
export class AggregateReleaseService {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly federations: FederationsService,
    private readonly aggregation: AggregationService,
  ) {}

  async release(round: Round, p: Participant, kind: ContributionKind): Promise<ReleasedAggregate> {
    const plan = await this.federations.planOf(round.federationId);
    let valueCount: number;
    let quorum = effectiveQuorum(round.mode, round.minParticipants);
    if (kind === 'evaluation') {
      const ev = await this.evaluation.byRound(round.id);
      if (!ev || (ev.state !== 'decrypting' && ev.state !== 'complete')) {
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'AGGREGATE_NOT_READY',
          `the evaluation of round ${round.number} is ${ev?.state ?? 'not open'}; its sum is not final yet`,
        );
      }
      quorum = Math.max(quorum, ev.minContributors);
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
      valueCount = contributionValues(plan, kind, 'secure');
    }
    // Only members whose contribution of this kind is in the sum read it: anyone else could learn the others' total.
    await this.assertContributed(round, p, kind, `sent no ${WHAT[kind]} in round ${round.number}`);
    const sum = await this.aggregation.sum(round.mode, round.id, kind, {
      keyEpoch: round.keyEpoch,
      valueCount,
      parameterSet: planSecureSpec(plan).parameterSet,
    });
    if (!sum)
      throw new SyndicateError('NOT_FOUND', 'AGGREGATE_NOT_FOUND', `round ${round.number} has no ${kind} aggregate`);
    // Every step that releases a sum holds the quorum itself, whatever let the round get this far.
    if (sum.contributors < quorum)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SUM_BELOW_QUORUM',
        `round ${round.number}'s ${kind} sum holds ${sum.contributors} contribution(s), fewer than its quorum of ${quorum}; it is not served`,
      );
    const statements = statementsOf(round, await this.aggregation.contributors(round.id, undefined, kind));
    return { ...sum, encoding: aggregateEncoding(round.mode), statements };
  }

  /** How many members' contributions of `kind` the round's sum holds. */
  async contributorCount(round: Round, kind: ContributionKind): Promise<number> {
    return (await this.aggregation.contributors(round.id, undefined, kind)).length;
  }

  /** Throws NOT_A_CONTRIBUTOR unless `p` has a receipt of `kind` in the round. */
  async assertContributed(round: Round, p: Participant, kind: ContributionKind, what: string): Promise<void> {
    if (!(await this.aggregation.contributors(round.id, undefined, kind)).some((c) => c.participantId === p.id)) {
      throw new SyndicateError('PERMISSION_DENIED', 'NOT_A_CONTRIBUTOR', `participant ${p.id} ${what}`);
    }
  }
}
