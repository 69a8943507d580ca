import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UpdateReceipt } from '../aggregation/update-receipt.entity';
import { ParticipantsModule } from '../participants/participants.module';
import { Round } from '../rounds/round.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditWitness } from '../audit/audit-witness.entity';
import { AuditWitnessService } from './audit-witness.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditWitness, AuditEvent, UpdateReceipt, Round]), ParticipantsModule],
  providers: [AuditWitnessService],
  exports: [AuditWitnessService],
})
export class AuditWitnessModule {}
