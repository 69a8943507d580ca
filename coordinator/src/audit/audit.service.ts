import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { KeyedMutex } from '../common/keyed-mutex';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { auditHash, GENESIS_HASH, verifyAuditChain } from './audit-chain';
import { AuditEvent } from './audit-event.entity';
import { MetricsService } from '../metrics/metrics.service';

export interface AuditInput {
  actor: string;
  action: string;
  federationId?: string | null;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

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
      await this.mutex.run('audit', () =>
        this.db.transaction(async (em) => {
          const repo = em.getRepository(AuditEvent);
          const [last] = await repo.find({ order: { seq: 'DESC' }, take: 1 });
          const fields = {
            seq: (last?.seq ?? 0) + 1,
            at: this.clock.now(),
            actor: e.actor,
            action: e.action,
            federationId: e.federationId ?? null,
            subject: e.subject ?? null,
            detail: JSON.stringify(e.detail ?? {}),
          };
          const prevHash = last?.hash ?? GENESIS_HASH;
          await repo.insert({ ...fields, prevHash, hash: auditHash(prevHash, fields) });
        }),
      );
    } catch (err) {
      this.log.error({ err, action: e.action }, 'audit append failed');
    }
  }

  async list(o: { federationId?: string; after?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const qb = this.db.getRepository(AuditEvent).createQueryBuilder('e').orderBy('e.seq', 'ASC').take(Math.min(o.limit ?? 1000, 10_000));
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
