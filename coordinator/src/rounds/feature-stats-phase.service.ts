import { Inject, Injectable } from '@nestjs/common';
import {
  decodeFeatureStats,
  decodeFloat64,
  featureMomentsProblems,
  featureStatsFieldCount,
  featureStatsFieldsNeeded,
  planSecureSpec,
  type FeatureMoments,
} from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import { AuditService } from '../audit/audit.service';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { StandardizationService } from '../standardization/standardization.service';
import type { Round } from './round.entity';

/**
 * The round phase that collects the members' feature statistics for federated standardisation.
 * Secure rounds add them encrypted and a member reports the decrypted total (FeatureMomentsIntakeService).
 * Plaintext rounds add them in the clear and the coordinator records the total itself: it could read each
 * member's statistics, as it reads each member's update, which is what a plaintext federation trusts it with.
 */
@Injectable()
export class FeatureStatsPhase {
  constructor(
    private readonly standardization: StandardizationService,
    private readonly federations: FederationsService,
    private readonly aggregation: AggregationService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The federation's plan still needs consortium statistics: a plaintext round then collects them before training. */
  async needed(federationId: string): Promise<boolean> {
    return this.standardization.needsFeatureStats(await this.federations.entity(federationId));
  }

  /** A round starting to count also collects the statistics while the plan still needs them. */
  collectInRound(federationId: string, roundId: string): Promise<void> {
    return this.standardization.collectInRound(federationId, roundId);
  }

  /**
   * Plaintext: records the consortium moments from the plain sum of the members' statistics; null when they
   * are recorded (now or before a restart), else why the sum cannot scale the plan's features.
   */
  async recordPlainSum(round: Round): Promise<string | null> {
    const f = await this.federations.entity(round.federationId);
    if (f.featureMomentsJson) return null;
    const plan = this.federations.plan(f);
    const { features } = featureStatsFieldsNeeded(plan);
    const spec = planSecureSpec(plan);
    // Called while the counting phase closes, under the round's mutex: no statistics commit meanwhile.
    const sum = await this.aggregation.sumHeld('plaintext', round.id, 'stats', {
      keyEpoch: round.keyEpoch,
      valueCount: featureStatsFieldCount(spec, features.length),
      parameterSet: spec.parameterSet,
    });
    if (!sum) return 'no member sent feature statistics';
    let moments: FeatureMoments;
    try {
      moments = decodeFeatureStats(decodeFloat64(sum.data), features.length, spec);
    } catch (err) {
      return `the summed feature statistics do not decode: ${(err as Error).message}`;
    }
    const problems = featureMomentsProblems(moments, features.length);
    if (problems.length)
      return `the consortium feature statistics cannot scale ${features.join(', ')}: ${problems.join('; ')}`;
    const canonical = JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares });
    if (!(await this.standardization.recordSummedMoments(f, canonical))) return null;
    await this.audit.record({
      actor: 'system',
      action: 'preprocessing.standardized',
      federationId: f.id,
      subject: round.id,
      // Consortium totals (per feature) and how many banks they add up, never one bank's figure.
      detail: {
        round: round.number,
        features,
        consortiumCounts: moments.count,
        contributors: sum.contributors,
        summedBy: 'coordinator',
      },
    });
    this.log.info({ federationId: f.id, round: round.number, features }, 'consortium feature statistics recorded');
    return null;
  }
}
