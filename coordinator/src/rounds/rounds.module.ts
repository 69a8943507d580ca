import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { KeysModule } from '../keys/keys.module';
import { RoundDriverService } from './round-driver.service';
import { LeaderLease } from './leader-lease';
import { Round } from './round.entity';
import { RoundsController } from './rounds.controller';
import { RoundsService } from './rounds.service';
import { Schedule } from './schedule.entity';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Round, Schedule]),
    FederationsModule,
    ParticipantsModule,
    ModelsModule,
    AggregationModule,
    EvaluationModule,
    KeysModule,
  ],
  providers: [RoundsService, SchedulesService, RoundDriverService, LeaderLease],
  controllers: [RoundsController, SchedulesController],
  exports: [RoundsService, LeaderLease],
})
export class RoundsModule {}
