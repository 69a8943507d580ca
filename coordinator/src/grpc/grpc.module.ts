import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { RoundsModule } from '../rounds/rounds.module';
import { KeysModule } from '../keys/keys.module';
import { AuditWitnessModule } from '../audit/audit-witness.module';
import { AuditWitnessGrpcHandlers } from './audit-witness-grpc.handlers';
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
    AuditWitnessModule,
  ],
  providers: [ParticipantGrpcHandlers, AuditWitnessGrpcHandlers, GrpcServerService],
  exports: [GrpcServerService],
})
export class GrpcModule {}
