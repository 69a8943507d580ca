import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { TaskHub } from '../tasks/task-hub';
import { registerStateGauges } from './state-gauges';

/** What the metrics learn from each audited event (every auditable event is also counted). */
export interface CountedEvent {
  action: string;
  /** The federation the event belongs to; becomes the `federation` label. */
  federationId?: string | null;
  detail?: Record<string, unknown>;
}

/** Label value for figures that belong to no federation (e.g. a refused message from an unknown sender). */
export const NO_FEDERATION = '';

/**
 * Prometheus metrics on a registry of this coordinator's own (not prom-client's global one), so
 * several coordinators in one process never collide. Node.js process metrics keep their standard
 * names (process_*, nodejs_*) so stock dashboards match; Syndicate's own all start with syndicate_.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly roundTransitions: Counter<'state'>;
  private readonly roundDuration: Histogram<'outcome' | 'federation'>;
  private readonly accepted: Counter<'kind'>;
  private readonly rejected: Counter<'reason'>;
  private readonly receivedBytes: Counter<'kind'>;
  private readonly federationTransitions: Counter<'federation' | 'state'>;
  private readonly federationAccepted: Counter<'federation' | 'kind'>;
  private readonly federationRejected: Counter<'federation' | 'reason'>;
  private readonly federationBytes: Counter<'federation' | 'kind'>;
  private readonly aggregationSeconds: Histogram<'mode'>;
  private readonly refusalsSuppressed: Counter<'action'>;
  private readonly auditFailures: Counter<'action'>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hub: TaskHub,
  ) {
    collectDefaultMetrics({ register: this.registry });
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
      labelNames: ['outcome', 'federation'],
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
    // The same figures per federation (the series above stay consortium-wide, as dashboards already use them).
    const perFederation = <L extends string>(name: string, help: string, label: L) =>
      new Counter<'federation' | L>({ name, help, labelNames: ['federation', label], registers });
    this.federationTransitions = perFederation(
      'syndicate_federation_round_transitions_total',
      'Round state transitions, by federation and state entered',
      'state',
    );
    this.federationAccepted = perFederation(
      'syndicate_federation_updates_accepted_total',
      'Accepted member contributions, by federation and kind',
      'kind',
    );
    this.federationRejected = perFederation(
      'syndicate_federation_updates_rejected_total',
      'Refused member messages, by federation and reason code',
      'reason',
    );
    this.federationBytes = perFederation(
      'syndicate_federation_received_bytes_total',
      'Payload bytes of accepted contributions, by federation and kind',
      'kind',
    );
    registerStateGauges(this.registry, this.db, this.hub);
  }

  count(e: CountedEvent): void {
    const d = e.detail ?? {};
    const federation = e.federationId ?? NO_FEDERATION;
    if (e.action.startsWith('round.')) {
      const state = e.action.slice('round.'.length);
      this.roundTransitions.inc({ state });
      this.federationTransitions.inc({ federation, state });
      if ((state === 'published' || state === 'failed') && typeof d.durationSeconds === 'number')
        this.roundDuration.observe({ outcome: state, federation }, d.durationSeconds);
    } else if (e.action === 'update.accepted') {
      const kind = String(d.kind ?? 'model');
      this.accepted.inc({ kind });
      this.federationAccepted.inc({ federation, kind });
      if (typeof d.bytes === 'number') {
        this.receivedBytes.inc({ kind }, d.bytes);
        this.federationBytes.inc({ federation, kind }, d.bytes);
      }
    } else if (e.action === 'update.rejected' || e.action === 'message.rejected') {
      const reason = String(d.reason ?? 'UNKNOWN');
      this.rejected.inc({ reason });
      this.federationRejected.inc({ federation, reason });
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
