import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelEvaluation } from './model-evaluation.entity';
import { EvaluationService } from './evaluation.service';

@Module({
  imports: [TypeOrmModule.forFeature([ModelEvaluation])],
  providers: [EvaluationService],
  exports: [EvaluationService],
})
export class EvaluationModule {}
