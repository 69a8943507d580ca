import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, MoreThanOrEqual, type DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Participant } from './participant.entity';
import { TaskHub } from '../tasks/task-hub';

/** A replica refreshes its agents' lastSeenAt this often; a member unseen for PRESENCE_TTL_MS is offline. */
export const PRESENCE_REFRESH_MS = 3000;
export const PRESENCE_TTL_MS = 8000;

/**
 * Which members are online across every coordinator replica. Each replica holds
 * only its own agents' streams (TaskHub); on PostgreSQL several replicas serve
 * agents at once, so the leader, choosing a dealer or a publisher, must also see
 * agents connected elsewhere: each replica stamps its agents' lastSeenAt every
 * few seconds. SQLite is one process: the hub is the whole truth.
 */
@Injectable()
export class PresenceService {
  private readonly shared: boolean;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hub: TaskHub,
    private readonly clock: Clock,
  ) {
    this.shared = db.options.type === 'postgres';
  }

  /** Stamps this replica's connected agents as seen now. */
  async refresh(): Promise<void> {
    const ids = this.hub.connectedIds();
    if (!this.shared || !ids.length) return;
    await this.db.getRepository(Participant).update({ id: In(ids) }, { lastSeenAt: this.clock.now() });
  }

  async isOnline(participantId: string): Promise<boolean> {
    if (this.hub.isConnected(participantId)) return true;
    if (!this.shared) return false;
    return (
      (await this.db
        .getRepository(Participant)
        .count({ where: { id: participantId, lastSeenAt: MoreThanOrEqual(this.clock.now() - PRESENCE_TTL_MS) } })) > 0
    );
  }

  /** Members of the federation online on any replica. */
  async online(federationId: string): Promise<string[]> {
    const here = this.hub.connected(federationId);
    if (!this.shared) return here;
    const elsewhere = await this.db.getRepository(Participant).find({
      where: { federationId, lastSeenAt: MoreThanOrEqual(this.clock.now() - PRESENCE_TTL_MS) },
      select: ['id'],
    });
    return [...new Set([...here, ...elsewhere.map((p) => p.id)])];
  }
}
