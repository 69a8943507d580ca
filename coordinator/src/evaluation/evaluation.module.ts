import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelsModule } from '../models/models.module';
import { EvaluationResult } from './evaluation-result.entity';
import { EvaluationService } from './evaluation.service';

@Module({
  imports: [TypeOrmModule.forFeature([EvaluationResult]), ModelsModule],
  providers: [EvaluationService],
  exports: [EvaluationService],
})
export class EvaluationModule {}
