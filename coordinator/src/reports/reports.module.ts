import { Module } from '@nestjs/common';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FederationsModule } from '../federations/federations.module';
import { ModelExportsController } from './model-exports.controller';
import { ModelsModule } from '../models/models.module';
import { ReportsController } from './reports.controller';

/** Read-only views for data scientists: federated metrics, the HTML report, model exports. */
@Module({
  imports: [EvaluationModule, FederationsModule, ModelsModule],
  controllers: [ReportsController, ModelExportsController],
})
export class ReportsModule {}
