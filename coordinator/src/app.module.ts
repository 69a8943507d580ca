import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthController } from './admin/health.controller';
import { ProblemDetailsFilter } from './admin/problem-details.filter';
import type { Clock } from './common/clock';
import { CoreModule } from './common/core.module';
import type { Logger } from './common/logger';
import type { CoordinatorConfig } from './config/coordinator-config';
import { dataSourceOptions } from './database/data-source-options';
import { AuditModule } from './audit/audit.module';
import { AccessModule } from './access/access.module';
import { MetricsModule } from './metrics/metrics.module';
import { FederationsModule } from './federations/federations.module';
import { GrpcModule } from './grpc/grpc.module';
import { ModelsModule } from './models/models.module';
import { ParticipantsModule } from './participants/participants.module';
import { RoundsModule } from './rounds/rounds.module';
import { ReportsModule } from './reports/reports.module';
import { ConsoleModule } from './console/console.module';

@Module({})
export class AppModule {
  static forRoot(config: CoordinatorConfig, logger: Logger, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger, clock),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 3, retryDelay: 1000 }),
        AuditModule,
        AccessModule,
        MetricsModule,
        FederationsModule,
        ParticipantsModule,
        ModelsModule,
        RoundsModule,
        ReportsModule,
        ConsoleModule,
        GrpcModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
