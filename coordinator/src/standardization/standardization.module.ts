import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Federation } from '../federations/federation.entity';
import { FederationsModule } from '../federations/federations.module';
import { StandardizationService } from './standardization.service';

@Module({
  imports: [TypeOrmModule.forFeature([Federation]), FederationsModule],
  providers: [StandardizationService],
  exports: [StandardizationService],
})
export class StandardizationModule {}
