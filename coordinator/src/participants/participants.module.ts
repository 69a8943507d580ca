import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FederationsModule } from '../federations/federations.module';
import { EnrollmentToken } from './enrollment-token.entity';
import { Participant } from './participant.entity';
import { ParticipantsController } from './participants.controller';
import { ParticipantsService } from './participants.service';
import { TaskHub } from './task-hub';
import { UsedNonce } from './used-nonce.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Participant, EnrollmentToken, UsedNonce]), FederationsModule],
  providers: [ParticipantsService, TaskHub],
  controllers: [ParticipantsController],
  exports: [ParticipantsService, TaskHub],
})
export class ParticipantsModule {}
