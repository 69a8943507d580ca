import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelVersion } from './model-version.entity';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { ModelAliases } from './model-aliases.service';
import { EvaluationModule } from '../evaluation/evaluation.module';

@Module({
  imports: [TypeOrmModule.forFeature([ModelVersion]), EvaluationModule],
  providers: [ModelsService, ModelAliases],
  controllers: [ModelsController],
  exports: [ModelsService, ModelAliases],
})
export class ModelsModule {}
