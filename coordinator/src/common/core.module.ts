import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { Clock, SystemClock } from './clock';
import type { Logger } from './logger';
import { CONFIG, LOGGER } from './tokens';

/** Configuration, logger and clock, available everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: CoordinatorConfig, logger: Logger, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: Clock, useValue: clock },
      ],
      exports: [CONFIG, LOGGER, Clock],
    };
  }
}
