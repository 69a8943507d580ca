import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { KeyedMutex } from '../common/keyed-mutex';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { verifyAuditChain } from './audit-chain';
import { appendAuditEvent, type AuditInput } from './audit-append';
import { AuditEvent } from './audit-event.entity';
import { MetricsService } from '../metrics/metrics.service';

export type { AuditInput } from './audit-append';

/**
 * Appends to the hash-chained audit log. Appends are serialised in this process;
 * a failure to audit is logged, never allowed to break the action it records.
 */
@Injectable()
export class AuditService {
  private readonly mutex = new KeyedMutex();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async record(e: AuditInput): Promise<void> {
    this.metrics.count(e);
    try {
      await this.mutex.run('audit', () => this.db.transaction((em) => appendAuditEvent(em, this.clock.now(), e)));
    } catch (err) {
      this.log.error({ err, action: e.action }, 'audit append failed');
    }
  }

  /**
   * Appends inside the caller's transaction: the entry exists exactly when what it
   * records committed (a crash between the two can neither lose nor invent one).
   */
  async recordIn(em: EntityManager, e: AuditInput): Promise<void> {
    this.metrics.count(e);
    // Same in-process queue as record(): SQLite shares one connection, so appends must not interleave.
    await this.mutex.run('audit', () => appendAuditEvent(em, this.clock.now(), e));
  }

  async list(o: { federationId?: string; after?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const qb = this.db
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .orderBy('e.seq', 'ASC')
      .take(Math.min(o.limit ?? 1000, 10_000));
    if (o.after) qb.andWhere('e.seq > :after', { after: o.after });
    if (o.federationId) qb.andWhere('e.federationId = :f', { f: o.federationId });
    return qb.getMany();
  }

  async verify(): Promise<{ ok: true; entries: number } | { ok: false; seq: number; problem: string }> {
    const all = await this.db.getRepository(AuditEvent).find({ order: { seq: 'ASC' } });
    const bad = verifyAuditChain(all);
    return bad ? { ok: false, ...bad } : { ok: true, entries: all.length };
  }
}
