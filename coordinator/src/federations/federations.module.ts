import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelsModule } from '../models/models.module';
import { Federation } from './federation.entity';
import { FederationsController } from './federations.controller';
import { FederationsService } from './federations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Federation]), ModelsModule],
  providers: [FederationsService],
  controllers: [FederationsController],
  exports: [FederationsService],
})
export class FederationsModule {}
