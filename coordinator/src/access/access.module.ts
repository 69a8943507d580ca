import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { ApiToken } from './api-token.entity';
import { ApiTokensService } from './api-tokens.service';
import { ConsoleSession } from './console-session.entity';
import { ConsoleSessionsService } from './console-sessions.service';
import { TokensController } from './tokens.controller';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiToken, ConsoleSession])],
  providers: [ApiTokensService, ConsoleSessionsService, { provide: APP_GUARD, useClass: AccessGuard }],
  controllers: [TokensController],
  exports: [ApiTokensService, ConsoleSessionsService],
})
export class AccessModule {}
