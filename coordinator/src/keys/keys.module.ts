import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FederationsModule } from '../federations/federations.module';
import { ModelsModule } from '../models/models.module';
import { ParticipantsModule } from '../participants/participants.module';
import { CeremonyRecords } from './ceremony-records.service';
import { KeyCeremony } from './key-ceremony.service';
import { KeyCustodyService } from './key-custody.service';
import { KeyEpoch } from './key-epoch.entity';
import { KeyShare } from './key-share.entity';

@Module({
  imports: [TypeOrmModule.forFeature([KeyEpoch, KeyShare]), FederationsModule, ParticipantsModule, ModelsModule],
  providers: [KeyCustodyService, KeyCeremony, CeremonyRecords],
  exports: [KeyCustodyService, KeyCeremony, CeremonyRecords],
})
export class KeysModule {}
