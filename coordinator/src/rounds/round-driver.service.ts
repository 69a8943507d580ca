import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CoordinatorConfig } from '../config/coordinator-config';
import type { Logger } from '../common/logger';
import { CONFIG, LOGGER } from '../common/tokens';
import { ParticipantsService } from '../participants/participants.service';
import { RoundsService } from './rounds.service';
import { SchedulesService } from './schedules.service';
import { LeaderLease } from './leader-lease';

const REOFFER_MS = 3000;

/** Moves rounds along on a timer: deadlines, schedules, and recovery of rounds a crash left mid-way. */
@Injectable()
export class RoundDriverService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private ticks = 0;

  constructor(
    private readonly rounds: RoundsService,
    private readonly schedules: SchedulesService,
    private readonly lease: LeaderLease,
    private readonly participants: ParticipantsService,
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
    if (!this.lease.isLeader) return;
    try {
      await this.rounds.tick();
      await this.schedules.tick();
      ++this.ticks;
      if (this.ticks % 120 === 0) await this.participants.pruneNonces();
      // Rounds also move on other replicas' REST calls (an admin opening a round on a standby), and a push can be
      // missed: every few seconds each connected agent is offered what it should be doing now. Agents drop repeats.
      if (this.ticks % Math.max(1, Math.round(REOFFER_MS / this.config.tickMs)) === 0) await this.rounds.reofferConnected();
    } catch (err) {
      this.log.error({ err }, 'round driver step failed');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
