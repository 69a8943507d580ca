import { Module } from '@nestjs/common';
import { RoundsModule } from '../rounds/rounds.module';
import { ConsoleSessionController } from './console-session.controller';
import { RoundEventsController } from './round-events.controller';

/** The web console's server side: session exchange and the live round stream (assets: console-assets.ts). */
@Module({
  imports: [RoundsModule],
  controllers: [ConsoleSessionController, RoundEventsController],
})
export class ConsoleModule {}
