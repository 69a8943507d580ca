import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FederationsModule } from '../federations/federations.module';
import { TasksModule } from '../tasks/tasks.module';
import { EnrollmentToken } from './enrollment-token.entity';
import { EnrollmentService } from './enrollment.service';
import { EnvelopeAuthenticator } from './envelope-authenticator.service';
import { Participant } from './participant.entity';
import { ParticipantsController } from './participants.controller';
import { ParticipantsService } from './participants.service';
import { MemberDirectoryService } from './member-directory.service';
import { PresenceService } from './presence.service';
import { UsedNonce } from './used-nonce.entity';
import { AgentAddress } from './agent-address';
import { PendingInvitations } from './pending-invitations';

@Module({
  imports: [TypeOrmModule.forFeature([Participant, EnrollmentToken, UsedNonce]), FederationsModule, TasksModule],
  providers: [
    ParticipantsService,
    EnrollmentService,
    EnvelopeAuthenticator,
    MemberDirectoryService,
    PresenceService,
    AgentAddress,
    PendingInvitations,
  ],
  controllers: [ParticipantsController],
  exports: [
    ParticipantsService,
    EnvelopeAuthenticator,
    MemberDirectoryService,
    TasksModule,
    PresenceService,
    AgentAddress,
  ],
})
export class ParticipantsModule {}
