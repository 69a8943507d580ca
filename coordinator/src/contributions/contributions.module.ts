import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { RoundsModule } from '../rounds/rounds.module';
import { StandardizationModule } from '../standardization/standardization.module';
import { AggregateReleaseService } from './aggregate-release.service';
import { ContributionIntakeService } from './contribution-intake.service';
import { FeatureMomentsIntakeService } from './feature-moments-intake.service';
import { RoundAccess } from './round-access';

@Module({
  imports: [RoundsModule, AggregationModule, EvaluationModule, FederationsModule, StandardizationModule],
  providers: [RoundAccess, ContributionIntakeService, AggregateReleaseService, FeatureMomentsIntakeService],
  exports: [RoundAccess, ContributionIntakeService, AggregateReleaseService, FeatureMomentsIntakeService],
})
export class ContributionsModule {}
