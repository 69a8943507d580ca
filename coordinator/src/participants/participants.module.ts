import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FederationsModule } from '../federations/federations.module';
import { EnrollmentToken } from './enrollment-token.entity';
import { Participant } from './participant.entity';
import { ParticipantsController } from './participants.controller';
import { EnvelopeAuthenticator } from './envelope-authenticator.service';
import { ParticipantsService } from './participants.service';
import { MemberDirectoryService } from './member-directory.service';
import { PresenceService } from './presence.service';
import { TaskHub } from './task-hub';
import { UsedNonce } from './used-nonce.entity';
import { AgentAddress } from './agent-address';
import { PendingInvitations } from './pending-invitations';

@Module({
  imports: [TypeOrmModule.forFeature([Participant, EnrollmentToken, UsedNonce]), FederationsModule],
  providers: [
    ParticipantsService,
    EnvelopeAuthenticator,
    MemberDirectoryService,
    TaskHub,
    PresenceService,
    AgentAddress,
    PendingInvitations,
  ],
  controllers: [ParticipantsController],
  exports: [ParticipantsService, EnvelopeAuthenticator, MemberDirectoryService, TaskHub, PresenceService, AgentAddress],
})
export class ParticipantsModule {}
