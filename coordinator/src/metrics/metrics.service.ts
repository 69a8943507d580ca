import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { TaskHub } from '../participants/task-hub';

/** What the metrics learn from each audited event (every auditable event is also counted). */
export interface CountedEvent {
  action: string;
  detail?: Record<string, unknown>;
}

/**
 * Prometheus metrics on a registry of this coordinator's own (not prom-client's
 * global one), so several coordinators in one process never collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly roundTransitions: Counter<'state'>;
  private readonly roundDuration: Histogram<'outcome'>;
  private readonly accepted: Counter<'kind'>;
  private readonly rejected: Counter<'reason'>;
  private readonly receivedBytes: Counter<'kind'>;
  private readonly aggregationSeconds: Histogram<'mode'>;
  private readonly refusalsSuppressed: Counter<'action'>;
  private readonly auditFailures: Counter<'action'>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hub: TaskHub,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'syndicate_process_' });
    const registers = [this.registry];
    this.roundTransitions = new Counter({
      name: 'syndicate_round_transitions_total',
      help: 'Round state transitions, by state entered',
      labelNames: ['state'],
      registers,
    });
    this.roundDuration = new Histogram({
      name: 'syndicate_round_duration_seconds',
      help: 'Open to published or failed',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
      registers,
    });
    this.accepted = new Counter({
      name: 'syndicate_updates_accepted_total',
      help: 'Accepted member contributions, by kind (model, count)',
      labelNames: ['kind'],
      registers,
    });
    this.rejected = new Counter({
      name: 'syndicate_updates_rejected_total',
      help: 'Refused member messages, by reason code',
      labelNames: ['reason'],
      registers,
    });
    this.receivedBytes = new Counter({
      name: 'syndicate_received_bytes_total',
      help: 'Payload bytes of accepted contributions',
      labelNames: ['kind'],
      registers,
    });
    this.aggregationSeconds = new Histogram({
      name: 'syndicate_aggregation_seconds',
      help: 'Time to validate and add one contribution into the running sum',
      labelNames: ['mode'],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.refusalsSuppressed = new Counter({
      name: 'syndicate_audit_refusals_suppressed_total',
      help: 'Refusals counted but not audited one by one (a peer over its allowance; summarised per interval)',
      labelNames: ['action'],
      registers,
    });
    this.auditFailures = new Counter({
      name: 'syndicate_audit_write_failures_total',
      help: 'Audit entries that could not be written (the action they recorded was refused)',
      labelNames: ['action'],
      registers,
    });
    const database = this.db;
    new Gauge({
      name: 'syndicate_rounds',
      help: 'Rounds by current state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const rows = (await database.query('SELECT state, COUNT(*) AS n FROM rounds GROUP BY state')) as {
          state: string;
          n: string | number;
        }[];
        for (const r of rows) this.set({ state: r.state }, Number(r.n));
      },
    });
    const tasks = this.hub;
    new Gauge({
      name: 'syndicate_participants_connected',
      help: 'Agents with an open task stream',
      registers,
      collect() {
        this.set(tasks.connectedCount());
      },
    });
    new Gauge({
      name: 'syndicate_database_ping_seconds',
      help: 'Latency of a trivial query at scrape time',
      registers,
      async collect() {
        const t0 = process.hrtime.bigint();
        await database.query('SELECT 1');
        this.set(Number(process.hrtime.bigint() - t0) / 1e9);
      },
    });
  }

  count(e: CountedEvent): void {
    const d = e.detail ?? {};
    if (e.action.startsWith('round.')) {
      const state = e.action.slice('round.'.length);
      this.roundTransitions.inc({ state });
      if ((state === 'published' || state === 'failed') && typeof d.durationSeconds === 'number')
        this.roundDuration.observe({ outcome: state }, d.durationSeconds);
    } else if (e.action === 'update.accepted') {
      this.accepted.inc({ kind: String(d.kind ?? 'model') });
      if (typeof d.bytes === 'number') this.receivedBytes.inc({ kind: String(d.kind ?? 'model') }, d.bytes);
    } else if (e.action === 'update.rejected' || e.action === 'message.rejected') {
      this.rejected.inc({ reason: String(d.reason ?? 'UNKNOWN') });
    }
  }

  refusalSuppressed(action: string): void {
    this.refusalsSuppressed.inc({ action });
  }

  auditWriteFailed(action: string): void {
    this.auditFailures.inc({ action });
  }

  observeAggregation(mode: 'plaintext' | 'secure', seconds: number): void {
    this.aggregationSeconds.observe({ mode }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
