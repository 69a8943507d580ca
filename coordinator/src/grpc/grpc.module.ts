import { Module } from '@nestjs/common';
import { ContributionsModule } from '../contributions/contributions.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { KeysModule } from '../keys/keys.module';
import { MaskingModule } from '../masking/masking.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { SchemaCollectionModule } from '../schema-collection/schema-collection.module';
import { AuditWitnessModule } from '../witness/audit-witness.module';
import { AuditWitnessGrpcHandlers } from './audit-witness-grpc.handlers';
import { ChunkedReader } from './chunked-reader';
import { GrpcServerService } from './grpc-server.service';
import { HANDLER_GROUP_TYPES, handlerGroupsProvider, ParticipantGrpcHandlers } from './participant-grpc.handlers';

@Module({
  imports: [
    FederationsModule,
    ParticipantsModule,
    ModelsModule,
    EvaluationModule,
    KeysModule,
    ContributionsModule,
    AuditWitnessModule,
    MaskingModule,
    SchemaCollectionModule,
  ],
  providers: [
    ChunkedReader,
    ...HANDLER_GROUP_TYPES,
    handlerGroupsProvider,
    ParticipantGrpcHandlers,
    AuditWitnessGrpcHandlers,
    GrpcServerService,
  ],
  exports: [GrpcServerService],
})
export class GrpcModule {}
