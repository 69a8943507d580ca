import { Inject, Injectable } from '@nestjs/common';
import { featureMomentsProblems, featureStatsFieldsNeeded, type FeatureMoments } from '@syndicate/protocol';
import { AuditService } from '../audit/audit.service';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { StandardizationService } from '../standardization/standardization.service';
import type { Participant } from '../participants/participant.entity';
import type { Round } from '../rounds/round.entity';
import { AggregateReleaseService } from './aggregate-release.service';

/** A member reports the consortium feature moments it decrypted; all members must agree, and the record is audited. */
@Injectable()
export class FeatureMomentsIntakeService {
  constructor(
    private readonly federations: FederationsService,
    private readonly standardization: StandardizationService,
    private readonly release: AggregateReleaseService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async report(round: Round, p: Participant, json: string): Promise<void> {
    const federation = await this.federations.entity(round.federationId);
    if (federation.featureStatsRoundId !== round.id)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'NO_STATS_PHASE',
        `round ${round.number} did not collect the feature statistics`,
      );
    await this.release.assertContributed(round, p, 'stats', `sent no feature statistics in round ${round.number}`);
    const contributors = await this.release.contributorCount(round, 'stats');
    let moments: FeatureMoments;
    try {
      moments = JSON.parse(json) as FeatureMoments;
    } catch {
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_MOMENTS', 'moments_json is not valid JSON');
    }
    const features = featureStatsFieldsNeeded(this.federations.plan(federation)).features;
    const problems = featureMomentsProblems(moments, features.length);
    if (problems.length)
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_MOMENTS', 'the reported feature moments are invalid', problems);
    const canonical = JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares });
    try {
      const outcome = await this.standardization.recordFeatureMoments(federation, canonical, p.id);
      if (outcome === 'recorded') {
        await this.audit.record({
          actor: p.id,
          action: 'preprocessing.standardized',
          federationId: federation.id,
          subject: round.id,
          // Consortium totals (per feature) and how many banks they add up, never one bank's figure.
          detail: { round: round.number, features, consortiumCounts: moments.count, contributors },
        });
        this.log.info(
          { federationId: federation.id, round: round.number, features },
          'consortium feature statistics recorded',
        );
      }
    } catch (err) {
      if (err instanceof SyndicateError && err.reason === 'STANDARDIZATION_MISMATCH') {
        await this.audit.record({
          actor: p.id,
          action: 'preprocessing.mismatch',
          federationId: federation.id,
          subject: round.id,
          detail: { round: round.number },
        });
      }
      throw err;
    }
  }
}
