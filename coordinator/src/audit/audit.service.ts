import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { KeyedMutex } from '../common/keyed-mutex';
import { MAX_PAGE_LIMIT } from '../common/paging';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { verifyAuditChain } from './audit-chain';
import { appendAuditEvent, type AuditInput } from './audit-append';
import { boundAuditInput } from './audit-bounds';
import { AuditEvent } from './audit-event.entity';
import { currentCall } from '../common/call-context';
import { DEFAULT_REFUSAL_LIMITS, RefusalLimiter, type SuppressedRefusals } from './refusal-limiter';
import { MetricsService } from '../metrics/metrics.service';

export type { AuditInput } from './audit-append';

/** Refusals of a caller: nothing happened, so a flood of them is summarised rather than written one by one. */
export const isRefusal = (action: string): boolean => /\.(rejected|denied)$/.test(action);

export const REFUSALS_SUPPRESSED = 'audit.refusals_suppressed';

/**
 * Appends to the hash-chained audit log. Appends are serialised in this process.
 * Fails closed: when an action's entry cannot be written, the caller's action fails too.
 * Refusals are the exception: nothing happened, so a failure to record one is counted and
 * logged, and the caller still gets the refusal it earned.
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly mutex = new KeyedMutex();
  private readonly limiter = new RefusalLimiter(DEFAULT_REFUSAL_LIMITS);
  private readonly flushTimer: NodeJS.Timeout;
  private readonly listeners: ((e: AuditInput) => void)[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    // A peer that stops after a flood still gets its summary entry.
    this.flushTimer = setInterval(() => void this.flushSummaries(false), DEFAULT_REFUSAL_LIMITS.intervalMs);
    this.flushTimer.unref();
  }

  async record(input: AuditInput): Promise<void> {
    const e = boundAuditInput(input);
    this.metrics.count(e);
    if (isRefusal(e.action)) return this.recordRefusal(e, input.peer ?? currentCall()?.peer ?? 'unknown');
    try {
      await this.mutex.run('audit', () => this.db.transaction((em) => appendAuditEvent(em, this.clock.now(), e)));
    } catch (err) {
      this.metrics.auditWriteFailed(e.action);
      this.log.error({ err, action: e.action }, 'audit append failed: the action is refused');
      throw err;
    }
    this.notify(e);
  }

  /**
   * Called after each append (for recordIn: before the caller's transaction commits, so a listener
   * re-reads what it needs). Lets a feature react to an audited event without its call sites changing.
   */
  onAppended(listener: (e: AuditInput) => void): () => void {
    this.listeners.push(listener);
    // A console's live stream listens only while its browser is connected.
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private notify(e: AuditInput): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err, action: e.action }, 'audit listener failed');
      }
    }
  }

  /**
   * Appends inside the caller's transaction: the entry exists exactly when what it
   * records committed (a crash between the two can neither lose nor invent one).
   */
  async recordIn(em: EntityManager, input: AuditInput): Promise<void> {
    const e = boundAuditInput(input);
    this.metrics.count(e);
    // Same in-process queue as record(): SQLite shares one connection, so appends must not interleave.
    await this.mutex.run('audit', () => appendAuditEvent(em, this.clock.now(), e));
    this.notify(e);
  }

  /**
   * Allowance per peer and kind of refusal (action and reason code, both bounded sets): a flood of one
   * kind cannot hide a different refusal from the same address, and a peer still cannot fill the log.
   */
  private async recordRefusal(e: AuditInput, peer: string): Promise<void> {
    const kind = `${e.action}:${typeof e.detail?.reason === 'string' ? e.detail.reason : ''}`;
    const { record, summary } = this.limiter.admit(`${peer} ${kind}`, kind, this.clock.now());
    if (!record) this.metrics.refusalSuppressed(e.action);
    await Promise.all([
      summary ? this.writeQuietly(summaryEntry(summary)) : undefined,
      record ? this.writeQuietly(e) : undefined,
    ]);
  }

  private async writeQuietly(e: AuditInput): Promise<void> {
    try {
      await this.mutex.run('audit', () => this.db.transaction((em) => appendAuditEvent(em, this.clock.now(), e)));
    } catch (err) {
      this.metrics.auditWriteFailed(e.action);
      this.log.error({ err, action: e.action }, 'audit append of a refusal failed');
    }
  }

  /** Writes the summary of every ended window (every window at shutdown). */
  async flushSummaries(all: boolean): Promise<void> {
    for (const s of this.limiter.due(this.clock.now(), all)) await this.writeQuietly(summaryEntry(s));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    if (this.db.isInitialized) await this.flushSummaries(true);
  }

  async list(o: { federationId?: string; after?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const qb = this.db
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .orderBy('e.seq', 'ASC')
      .take(Math.max(1, Math.min(o.limit ?? 1000, MAX_PAGE_LIMIT)));
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

/** One entry for what a peer's flood of one kind of refusal left unrecorded in an interval. */
function summaryEntry(s: SuppressedRefusals): AuditInput {
  const peer = s.peer.split(' ')[0];
  return {
    actor: 'system',
    action: REFUSALS_SUPPRESSED,
    subject: peer,
    detail: { peer, from: s.from, to: s.to, suppressed: s.suppressed, refusals: s.actions },
  };
}
