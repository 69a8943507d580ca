import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CoordinatorConfig } from '../config/coordinator-config';
import type { Logger } from '../common/logger';
import { CONFIG, LOGGER } from '../common/tokens';
import { ParticipantsService } from '../participants/participants.service';
import { PresenceService, PRESENCE_REFRESH_MS } from '../participants/presence.service';
import { RoundStepper } from './round-stepper.service';
import { TaskOffers } from './task-offers.service';
import { SchedulesService } from './schedules.service';

/** Moves rounds along on a timer: deadlines, schedules, and recovery of rounds a crash left mid-way. */
@Injectable()
export class RoundDriverService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private ticks = 0;

  constructor(
    private readonly stepper: RoundStepper,
    private readonly offers: TaskOffers,
    private readonly schedules: SchedulesService,
    private readonly participants: ParticipantsService,
    private readonly presence: PresenceService,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.step().finally(() => (this.running = undefined));
    }, this.config.tickMs);
  }

  private async step(): Promise<void> {
    try {
      ++this.ticks;
      if (this.stepper.leading) {
        await this.stepper.tick();
        await this.schedules.tick();
        if (this.ticks % 120 === 0) await this.participants.pruneNonces();
      }
      // Every replica serves agents, but only the leader moves rounds and its pushes reach only its own agents:
      // every few seconds each replica stamps its agents as online and offers each what it should be doing now.
      // Agents drop repeats.
      if (this.ticks % Math.max(1, Math.round(PRESENCE_REFRESH_MS / this.config.tickMs)) === 0) {
        await this.presence.refresh();
        await this.offers.reofferConnected();
      }
    } catch (err) {
      this.log.error({ err }, 'round driver step failed');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
