import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelEvaluation } from './model-evaluation.entity';
import { EvaluationService } from './evaluation.service';
import { ChampionService } from './champion.service';

@Module({
  imports: [TypeOrmModule.forFeature([ModelEvaluation])],
  providers: [EvaluationService, ChampionService],
  exports: [EvaluationService, ChampionService],
})
export class EvaluationModule {}
