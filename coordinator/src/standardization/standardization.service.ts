import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { featureStatsFieldsNeeded, parseTrainingPlan, type TrainingPlan } from '@syndicate/protocol';
import { IsNull, type Repository } from 'typeorm';
import { judgeReport } from '../common/report-agreement';
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
 * Federated standardisation: one round also collects the members' feature moments
 * (encrypted when secure, plain when plaintext); a member reports the decrypted
 * consortium moments (secure) or the coordinator adds them up itself (plaintext),
 * and from then on the plan in force standardises with them.
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
    // A report kept aside from an earlier stats round is of another sum: it cannot confirm or be confirmed.
    await this.repo.update(
      { id: f.id },
      { featureStatsRoundId: roundId, featureMomentsPendingJson: null, featureMomentsReportersJson: null },
    );
    f.featureStatsRoundId = roundId;
    f.featureMomentsPendingJson = null;
    f.featureMomentsReportersJson = null;
  }

  /** A round starting to count: it also collects the feature moments while the plan still needs them. */
  async collectInRound(federationId: string, roundId: string): Promise<void> {
    const f = await this.federations.entity(federationId);
    if (this.needsFeatureStats(f)) await this.assignFeatureStatsRound(f, roundId);
  }

  /** Whether this round is the one collecting feature statistics. */
  async collectsIn(federationId: string, roundId: string): Promise<boolean> {
    return (await this.federations.entity(federationId)).featureStatsRoundId === roundId;
  }

  /**
   * Plaintext: the moments the coordinator summed itself, recorded as they are (no member decrypts
   * anything, so none confirms). False when moments were already recorded (a retry after a restart).
   */
  async recordSummedMoments(f: Federation, momentsJson: string): Promise<boolean> {
    const res = await this.repo.update(
      { id: f.id, featureMomentsJson: IsNull() },
      { featureMomentsJson: momentsJson, featureMomentsPendingJson: null, featureMomentsReportersJson: null },
    );
    if (res.affected) f.featureMomentsJson = momentsJson;
    return !!res.affected;
  }

  /**
   * A member reports the consortium moments it decrypted. Nothing is recorded until a second member
   * reports the same (one member alone could impose its own scaling); a differing report is refused.
   */
  async recordFeatureMoments(
    f: Federation,
    momentsJson: string,
    participantId: string,
  ): Promise<'pending' | 'recorded' | 'confirmed'> {
    const reporters = f.featureMomentsReportersJson ? (JSON.parse(f.featureMomentsReportersJson) as string[]) : [];
    const agreed = f.featureMomentsJson ?? f.featureMomentsPendingJson;
    const verdict = judgeReport(agreed ? { canonical: agreed, reporters } : null, {
      participantId,
      canonical: momentsJson,
    });
    if (verdict.kind === 'mismatch')
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'STANDARDIZATION_MISMATCH',
        `the feature statistics you decrypted differ from those ${verdict.firstReportedBy} reported for federation ${f.id}`,
      );
    if (verdict.kind === 'repeat') return f.featureMomentsJson ? 'confirmed' : 'pending';
    const res =
      verdict.kind === 'first'
        ? await this.repo.update(
            { id: f.id, featureMomentsPendingJson: IsNull(), featureMomentsJson: IsNull() },
            { featureMomentsPendingJson: momentsJson, featureMomentsReportersJson: JSON.stringify([participantId]) },
          )
        : f.featureMomentsJson || !verdict.enough
          ? await this.repo.update(
              { id: f.id, featureMomentsReportersJson: f.featureMomentsReportersJson ?? IsNull() },
              { featureMomentsReportersJson: JSON.stringify(verdict.reporters) },
            )
          : await this.repo.update(
              { id: f.id, featureMomentsJson: IsNull(), featureMomentsPendingJson: momentsJson },
              { featureMomentsJson: momentsJson, featureMomentsReportersJson: JSON.stringify(verdict.reporters) },
            );
    // Another report landed between the read and the write: judge this one against it.
    if (!res.affected)
      return this.recordFeatureMoments(await this.federations.entity(f.id), momentsJson, participantId);
    if (verdict.kind === 'first') return 'pending';
    return f.featureMomentsJson || !verdict.enough ? 'confirmed' : 'recorded';
  }
}
