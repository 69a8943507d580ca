import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { featureStatsFieldsNeeded, parseTrainingPlan, type TrainingPlan } from '@syndicate/protocol';
import { IsNull, type Repository } from 'typeorm';
import { SyndicateError } from '../common/syndicate-error';
import { Federation } from '../federations/federation.entity';
import { FederationsService } from '../federations/federations.service';

/** What every task carries about federated standardisation: where the statistics are, and the moments once reported. */
export interface TaskStandardization {
  statsRoundId: string;
  standardizationJson: string;
}

/** The standardisation fields of tasks, read from the federation. */
export const taskStandardization = (f: Federation): TaskStandardization => ({
  statsRoundId: f.featureStatsRoundId ?? '',
  standardizationJson: f.featureMomentsJson ?? '',
});

/**
 * Federated standardisation: one secure round also collects the members' encrypted
 * feature moments; a member reports the decrypted consortium moments once, and
 * from then on the plan in force standardises with them.
 */
@Injectable()
export class StandardizationService {
  constructor(
    @InjectRepository(Federation) private readonly repo: Repository<Federation>,
    private readonly federations: FederationsService,
  ) {}

  /** The plan in force and the standardisation fields, from one read of the federation: what building tasks needs. */
  async taskContext(federationId: string): Promise<{ plan: TrainingPlan; std: TaskStandardization }> {
    const f = await this.federations.entity(federationId);
    return { plan: this.federations.plan(f), std: taskStandardization(f) };
  }

  /** The plan needs consortium statistics that no member has reported yet. */
  needsFeatureStats(f: Federation): boolean {
    return featureStatsFieldsNeeded(parseTrainingPlan(JSON.parse(f.planJson))).size > 0 && !f.featureMomentsJson;
  }

  /** Which round collects the statistics: the first that asks, or a later one if that round never produced them. */
  async assignFeatureStatsRound(f: Federation, roundId: string): Promise<void> {
    await this.repo.update({ id: f.id }, { featureStatsRoundId: roundId });
    f.featureStatsRoundId = roundId;
  }

  /** A secure round starting to count: it also collects the feature moments while the plan still needs them. */
  async collectInRound(federationId: string, roundId: string): Promise<void> {
    const f = await this.federations.entity(federationId);
    if (this.needsFeatureStats(f)) await this.assignFeatureStatsRound(f, roundId);
  }

  /** Whether this round is the one collecting feature statistics. */
  async collectsIn(federationId: string, roundId: string): Promise<boolean> {
    return (await this.federations.entity(federationId)).featureStatsRoundId === roundId;
  }

  /**
   * A member reports the consortium moments it decrypted. The first report is
   * kept; a later one must be identical (every member decodes the same sum).
   */
  async recordFeatureMoments(f: Federation, momentsJson: string): Promise<'recorded' | 'confirmed'> {
    if (f.featureMomentsJson) {
      if (f.featureMomentsJson !== momentsJson)
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'STANDARDIZATION_MISMATCH',
          `the feature statistics you decrypted differ from those already recorded for federation ${f.id}`,
        );
      return 'confirmed';
    }
    const res = await this.repo.update({ id: f.id, featureMomentsJson: IsNull() }, { featureMomentsJson: momentsJson });
    if (!res.affected) return this.recordFeatureMoments(await this.federations.entity(f.id), momentsJson);
    f.featureMomentsJson = momentsJson;
    return 'recorded';
  }
}
