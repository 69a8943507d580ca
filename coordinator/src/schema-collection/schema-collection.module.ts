import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FederationsModule } from '../federations/federations.module';
import { KeysModule } from '../keys/keys.module';
import { ParticipantsModule } from '../participants/participants.module';
import { SchemaCollection } from './schema-collection.entity';
import { SchemaCollectionController } from './schema-collection.controller';
import { SchemaCollectionService } from './schema-collection.service';
import { SchemaContribution } from './schema-contribution.entity';
import { SchemaContributionsService } from './schema-contributions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SchemaCollection, SchemaContribution]),
    FederationsModule,
    KeysModule,
    ParticipantsModule,
  ],
  controllers: [SchemaCollectionController],
  providers: [SchemaCollectionService, SchemaContributionsService],
  exports: [SchemaCollectionService, SchemaContributionsService],
})
export class SchemaCollectionModule {}
