import { Module } from '@nestjs/common';
import { ContributionsModule } from '../contributions/contributions.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { KeysModule } from '../keys/keys.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { AggregateDownloadHandlers } from './aggregate-download.handlers';
import { ChunkedReader } from './chunked-reader';
import { EnrollmentHandlers } from './enrollment.handlers';
import { EvaluationHandlers } from './evaluation.handlers';
import { AuditWitnessModule } from '../witness/audit-witness.module';
import { AuditWitnessGrpcHandlers } from './audit-witness-grpc.handlers';
import { GrpcServerService } from './grpc-server.service';
import { KeyShareHandlers } from './key-share.handlers';
import { MemberTrustHandlers } from './member-trust.handlers';
import { ModelDownloadHandlers } from './model-download.handlers';
import { handlerGroupsProvider, ParticipantGrpcHandlers } from './participant-grpc.handlers';
import { PublishHandlers } from './publish.handlers';
import { StandardizationHandlers } from './standardization.handlers';
import { TaskStreamHandlers } from './task-stream.handlers';
import { UploadHandlers } from './upload.handlers';

@Module({
  imports: [
    FederationsModule,
    ParticipantsModule,
    ModelsModule,
    EvaluationModule,
    KeysModule,
    ContributionsModule,
    AuditWitnessModule,
  ],
  providers: [
    ChunkedReader,
    EnrollmentHandlers,
    TaskStreamHandlers,
    ModelDownloadHandlers,
    UploadHandlers,
    AggregateDownloadHandlers,
    PublishHandlers,
    KeyShareHandlers,
    EvaluationHandlers,
    StandardizationHandlers,
    MemberTrustHandlers,
    handlerGroupsProvider,
    ParticipantGrpcHandlers,
    AuditWitnessGrpcHandlers,
    GrpcServerService,
  ],
  exports: [GrpcServerService],
})
export class GrpcModule {}
