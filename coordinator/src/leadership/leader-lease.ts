import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { CoordinatorConfig } from '../config/coordinator-config';
import type { Logger } from '../common/logger';
import { CONFIG, LOGGER } from '../common/tokens';

/** Advisory-lock key shared by every replica on one database ("SYND"). */
export const LEADER_LOCK_KEY = 0x53594e44;

/**
 * Every replica serves agents and admins; exactly one drives rounds: the one holding a PostgreSQL
 * session advisory lock. The lock lives as long as its connection, so a replica that
 * is killed releases it at once and a follower takes over. A leader that loses the
 * connection cannot know whether another took over, so it stops the process rather
 * than drive rounds twice. SQLite is one process by construction: always leader.
 */
@Injectable()
export class LeaderLease implements OnApplicationShutdown {
  private client?: Client;
  private leader = false;
  private closing = false;
  private timer?: NodeJS.Timeout;
  private readonly waiters: (() => void)[] = [];
  private onWaiting?: () => void;

  constructor(
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** Starts trying in the background; resolves when this replica leads. `onWaiting` runs if another holds the lease. */
  whenLeader(onWaiting?: () => void): Promise<void> {
    if (this.leader) return Promise.resolve();
    this.onWaiting = onWaiting;
    const p = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.timer && !this.client) void this.start();
    return p;
  }

  private become(): void {
    this.leader = true;
    this.waiters.splice(0).forEach((w) => w());
  }

  private async start(): Promise<void> {
    if (!/^postgres(ql)?:\/\//.test(this.config.databaseUrl)) return this.become();
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'syndicate-leader-lease',
    });
    this.client = client;
    client.on('error', (err) => this.lost(`lease connection error: ${err.message}`));
    client.on('end', () => this.lost('lease connection closed'));
    await client.connect();
    const attempt = async () => {
      if (this.closing || this.leader) return;
      try {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          LEADER_LOCK_KEY,
        ]);
        if (rows[0]?.ok) {
          clearInterval(this.timer);
          this.log.info('leader lease acquired: this replica drives rounds');
          this.become();
        } else if (this.onWaiting) {
          this.log.info(
            'following: another replica holds the leader lease and drives rounds; this one serves agents and admins',
          );
          this.onWaiting();
          this.onWaiting = undefined;
        }
      } catch (err) {
        this.lost(`lease query failed: ${(err as Error).message}`);
      }
    };
    this.timer = setInterval(() => void attempt(), Math.max(250, this.config.tickMs));
    await attempt();
  }

  private lost(why: string): void {
    if (this.closing) return;
    if (!this.leader) {
      this.log.error(
        { why },
        'leader lease connection lost while standing by; exiting so the orchestrator restarts this replica',
      );
    } else {
      this.log.fatal({ why }, 'leader lease lost: another replica may now drive rounds; exiting to avoid two leaders');
    }
    process.exit(70);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    this.waiters.splice(0);
    await this.client?.end().catch(() => undefined);
  }
}
