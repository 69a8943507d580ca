import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EvaluationDriver } from './evaluation-driver.service';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { EvaluationOffers } from './evaluation-offers.service';
import { FederationsModule } from '../federations/federations.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { KeysModule } from '../keys/keys.module';
import { MaskingModule } from '../masking/masking.module';
import { StandardizationModule } from '../standardization/standardization.module';
import { ContributionPolicy } from './contribution-policy.service';
import { FeatureStatsPhase } from './feature-stats-phase.service';
import { Publication } from './publication.service';
import { ConfirmedPublication } from './confirmed-publication.service';
import { PendingPublication } from './pending-publication.entity';
import { ModelConfirmationRecord } from './model-confirmation.entity';
import { PublisherElection } from './publisher-election.service';
import { RoundClosing } from './round-closing.service';
import { RoundCreation } from './round-creation.service';
import { RoundDriverService } from './round-driver.service';
import { LeaderLease } from '../leadership/leader-lease';
import { Round } from './round.entity';
import { RoundLifecycle } from './round-lifecycle.service';
import { RoundPhases } from './round-phases.service';
import { RoundStepper } from './round-stepper.service';
import { RoundTransitions } from './round-transitions.service';
import { RoundViews } from './round-views.service';
import { RoundsController } from './rounds.controller';
import { Schedule } from './schedule.entity';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';
import { TaskDispatch } from './task-dispatch.service';
import { TaskOffers } from './task-offers.service';

/** The services that move rounds, one job each (see the README's architecture section). */
export const ROUND_SERVICES = [
  RoundViews,
  RoundTransitions,
  ContributionPolicy,
  TaskDispatch,
  FeatureStatsPhase,
  RoundPhases,
  RoundClosing,
  RoundCreation,
  RoundStepper,
  RoundLifecycle,
  Publication,
  ConfirmedPublication,
  PublisherElection,
  TaskOffers,
  // Evaluation driving lives in evaluation/ but moves with the rounds whose models it evaluates.
  EvaluationDriver,
  EvaluationOffers,
];

@Module({
  imports: [
    TypeOrmModule.forFeature([Round, Schedule, PendingPublication, ModelConfirmationRecord]),
    MaskingModule,
    FederationsModule,
    ParticipantsModule,
    ModelsModule,
    AggregationModule,
    EvaluationModule,
    KeysModule,
    StandardizationModule,
  ],
  providers: [...ROUND_SERVICES, SchedulesService, RoundDriverService, LeaderLease],
  controllers: [RoundsController, SchedulesController],
  exports: [
    RoundViews,
    RoundStepper,
    RoundLifecycle,
    ContributionPolicy,
    Publication,
    ConfirmedPublication,
    TaskOffers,
    EvaluationDriver,
    LeaderLease,
  ],
})
export class RoundsModule {}
