import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { RoundsModule } from '../rounds/rounds.module';
import { KeysModule } from '../keys/keys.module';
import { StandardizationModule } from '../standardization/standardization.module';
import { GrpcServerService } from './grpc-server.service';
import { ParticipantGrpcHandlers } from './participant-grpc.handlers';

@Module({
  imports: [
    FederationsModule,
    ParticipantsModule,
    RoundsModule,
    ModelsModule,
    AggregationModule,
    EvaluationModule,
    KeysModule,
    StandardizationModule,
  ],
  providers: [ParticipantGrpcHandlers, GrpcServerService],
  exports: [GrpcServerService],
})
export class GrpcModule {}
