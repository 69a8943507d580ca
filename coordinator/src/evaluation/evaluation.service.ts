import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  federatedMetrics,
  histogramTotals,
  type FederatedMetrics,
  type ScoreHistogram,
  type SelectionPolicy,
} from '@syndicate/protocol';
import { In, LessThan, type EntityManager, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { assertEvaluationMove, PENDING_EVALUATION_STATES } from './evaluation-state-machine';
import { ChampionService } from './champion.service';
import { ModelEvaluation, type ModelEvaluationState } from './model-evaluation.entity';

/** A histogram as stored and reported: counts as plain numbers (exact below 2^53). */
export interface HistogramRecord {
  bins: number;
  negatives: number[];
  positives: number[];
  sumSquaredError: number;
  sumLogLoss: number;
}

export interface EvaluationView {
  modelVersionId: string;
  roundId: string;
  roundNumber: number;
  state: ModelEvaluationState;
  bins: number;
  contributors: number;
  confirmations: number;
  deadlineAt: number;
  completedAt: number | null;
  failureReason: string | null;
  /** On the consortium's validation rows: the figures that choose. */
  metrics: FederatedMetrics | null;
  /** On the consortium's test rows: the figures to report; null until complete (or with no test rows). */
  test: FederatedMetrics | null;
  /** When this version became champion (null if it never did). */
  promotedAt: number | null;
}

export interface NewEvaluation {
  federationId: string;
  modelVersionId: string;
  roundId: string;
  roundNumber: number;
  keyEpoch: number;
  bins: number;
  minContributors: number;
  deadlineAt: number;
  selection: SelectionPolicy;
}

export const toScoreHistogram = (h: HistogramRecord): ScoreHistogram => ({
  bins: h.bins,
  negatives: Float64Array.from(h.negatives),
  positives: Float64Array.from(h.positives),
  sumSquaredError: h.sumSquaredError,
  sumLogLoss: h.sumLogLoss,
});

// Fixed-point sums decode to the same doubles on every member; compare at that precision anyway.
const canonicalOne = (h: HistogramRecord) => [
  h.bins,
  h.negatives,
  h.positives,
  h.sumSquaredError.toPrecision(12),
  h.sumLogLoss.toPrecision(12),
];
const canonical = (validation: HistogramRecord, test: HistogramRecord | null): string =>
  JSON.stringify([canonicalOne(validation), test ? canonicalOne(test) : null]);

/**
 * Federated evaluation of published models: what stage each one is in, the
 * histograms members report and the metrics derived from them. The round
 * driver decides when collection closes; this service owns the records.
 */
@Injectable()
export class EvaluationService {
  constructor(
    @InjectRepository(ModelEvaluation) private readonly repo: Repository<ModelEvaluation>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly champions: ChampionService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Idempotent: a coordinator that died after publishing opens it on the next step. */
  async open(e: NewEvaluation, em?: EntityManager): Promise<ModelEvaluation> {
    const repo = em ? em.getRepository(ModelEvaluation) : this.repo;
    const existing = await repo.findOne({ where: { modelVersionId: e.modelVersionId } });
    if (existing) return existing;
    const { selection, ...rest } = e;
    return repo.save(
      repo.create({
        ...rest,
        selectionJson: JSON.stringify(selection),
        testHistogramJson: null,
        testMetricsJson: null,
        promotedAt: null,
        state: 'collecting',
        contributors: 0,
        histogramJson: null,
        metricsJson: null,
        reportedBy: null,
        reportersJson: '[]',
        failureReason: null,
        createdAt: this.clock.now(),
        completedAt: null,
      }),
    );
  }

  async get(modelVersionId: string, em?: EntityManager): Promise<ModelEvaluation | null> {
    return (em ? em.getRepository(ModelEvaluation) : this.repo).findOne({ where: { modelVersionId } });
  }

  async byRound(roundId: string, em?: EntityManager): Promise<ModelEvaluation | null> {
    return (em ? em.getRepository(ModelEvaluation) : this.repo).findOne({ where: { roundId } });
  }

  /** Evaluations still waiting on members, across federations (the driver's work list). */
  async pending(federationId?: string): Promise<ModelEvaluation[]> {
    return this.repo.find({
      where: { state: In([...PENDING_EVALUATION_STATES]), ...(federationId ? { federationId } : {}) },
      order: { roundNumber: 'ASC' },
    });
  }

  /** Throws unless the evaluation of this round takes histograms now. */
  async assertCollecting(roundId: string, em: EntityManager): Promise<ModelEvaluation> {
    // Share-locked on PostgreSQL, like rounds: closing the evaluation waits for histograms that saw it open.
    const shared = em.connection.options.type === 'postgres';
    const ev = await em
      .getRepository(ModelEvaluation)
      .findOne({ where: { roundId }, ...(shared ? { lock: { mode: 'pessimistic_read' as const } } : {}) });
    if (!ev || ev.state !== 'collecting') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EVALUATION_NOT_COLLECTING',
        `the evaluation of round ${roundId} is ${ev?.state ?? 'not open'}; it does not take histograms now`,
      );
    }
    return ev;
  }

  /** Compare-and-set on the state, like rounds: two drivers never both move it. */
  async move(
    ev: ModelEvaluation,
    to: ModelEvaluationState,
    patch: Partial<ModelEvaluation> = {},
    em?: EntityManager,
  ): Promise<boolean> {
    assertEvaluationMove(ev.state, to);
    const res = await (em ? em.getRepository(ModelEvaluation) : this.repo).update(
      { modelVersionId: ev.modelVersionId, state: ev.state },
      { ...patch, state: to },
    );
    if (!res.affected) return false;
    Object.assign(ev, patch, { state: to });
    return true;
  }

  async fail(ev: ModelEvaluation, reason: string): Promise<void> {
    if (!(await this.move(ev, 'failed', { failureReason: reason, completedAt: this.clock.now() }))) return;
    this.log.warn({ modelVersionId: ev.modelVersionId, round: ev.roundNumber, reason }, 'evaluation failed');
    await this.audit.record({
      actor: 'system',
      action: 'evaluation.failed',
      federationId: ev.federationId,
      subject: ev.modelVersionId,
      detail: { round: ev.roundNumber, reason },
    });
  }

  /**
   * A member reports the consortium histogram it decrypted. The first report sets
   * it; every later one must be identical, or the mismatch is audited and refused.
   */
  async report(o: {
    participantId: string;
    federationId: string;
    roundId: string;
    modelVersionId: string;
    contributors: number;
    /** Validation rows' histogram. */
    histogram: HistogramRecord;
    /** Test rows' histogram. */
    test: HistogramRecord;
    mayReport: (ev: ModelEvaluation) => Promise<void>;
  }): Promise<EvaluationView> {
    const ev = await this.get(o.modelVersionId);
    if (!ev || ev.federationId !== o.federationId || ev.roundId !== o.roundId) {
      throw new SyndicateError(
        'NOT_FOUND',
        'EVALUATION_NOT_FOUND',
        `model ${o.modelVersionId} of round ${o.roundId} has no evaluation in your federation`,
      );
    }
    if (ev.state !== 'decrypting' && ev.state !== 'complete') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EVALUATION_NOT_READY',
        `the evaluation of round ${ev.roundNumber} is ${ev.state}; its sum is not final`,
      );
    }
    await o.mayReport(ev);
    const problems = [
      ...histogramProblems(o.histogram, ev.bins).map((p) => `validation: ${p}`),
      ...histogramProblems(o.test, ev.bins, { mayBeEmpty: true }).map((p) => `test: ${p}`),
    ];
    if (o.contributors !== ev.contributors)
      problems.push(`contributors is ${o.contributors}, the sum holds ${ev.contributors} histograms`);
    if (problems.length)
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_HISTOGRAM',
        'the reported evaluation histogram is invalid',
        problems,
      );
    const reporters = JSON.parse(ev.reportersJson) as string[];
    if (ev.state === 'complete') {
      const stored = ev.testHistogramJson ? (JSON.parse(ev.testHistogramJson) as HistogramRecord) : null;
      if (canonical(JSON.parse(ev.histogramJson!) as HistogramRecord, stored) !== canonical(o.histogram, o.test)) {
        await this.audit.record({
          actor: o.participantId,
          action: 'evaluation.mismatch',
          federationId: ev.federationId,
          subject: ev.modelVersionId,
          detail: { round: ev.roundNumber, firstReportedBy: ev.reportedBy },
        });
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'EVALUATION_MISMATCH',
          `the histogram you decrypted differs from the one ${ev.reportedBy} reported for round ${ev.roundNumber}; both are in the audit log`,
        );
      }
      if (!reporters.includes(o.participantId))
        await this.repo.update(
          { modelVersionId: ev.modelVersionId },
          { reportersJson: JSON.stringify([...reporters, o.participantId]) },
        );
      return this.view((await this.get(ev.modelVersionId))!);
    }
    const { reference, previous } = await this.references(ev.federationId, ev.roundNumber);
    const metrics = federatedMetrics(
      toScoreHistogram(o.histogram),
      reference ? toScoreHistogram(reference) : undefined,
      previous ? toScoreHistogram(previous) : undefined,
    );
    const testMetrics = histogramTotals(toScoreHistogram(o.test)).numExamples
      ? federatedMetrics(toScoreHistogram(o.test))
      : null;
    const moved = await this.move(ev, 'complete', {
      histogramJson: JSON.stringify(o.histogram),
      metricsJson: JSON.stringify(metrics),
      testHistogramJson: JSON.stringify(o.test),
      testMetricsJson: testMetrics ? JSON.stringify(testMetrics) : null,
      reportedBy: o.participantId,
      reportersJson: JSON.stringify([o.participantId]),
      completedAt: this.clock.now(),
    });
    // Someone else's report landed first: check ours against it.
    if (!moved) return this.report(o);
    this.log.info(
      { modelVersionId: ev.modelVersionId, round: ev.roundNumber, auc: metrics.rocAuc, ks: metrics.ks },
      'federated evaluation complete',
    );
    await this.audit.record({
      actor: o.participantId,
      action: 'evaluation.complete',
      federationId: ev.federationId,
      subject: ev.modelVersionId,
      detail: { round: ev.roundNumber, contributors: ev.contributors, auc: metrics.rocAuc, ks: metrics.ks },
    });
    await this.champions.consider(ev);
    return this.view(ev);
  }

  /**
   * PSI's reference is the champion's validation histogram, recorded when it was promoted (a stable
   * model on stable data stays below 0.1 against it); `shift` compares with the previous version.
   */
  private async references(
    federationId: string,
    roundNumber: number,
  ): Promise<{ reference: HistogramRecord | null; previous: HistogramRecord | null }> {
    const champion = await this.champions.champion(federationId);
    const previous = await this.repo.findOne({
      where: { federationId, state: 'complete', roundNumber: LessThan(roundNumber) },
      order: { roundNumber: 'DESC' },
    });
    const parse = (e: ModelEvaluation | null) =>
      e?.histogramJson && e.roundNumber < roundNumber ? (JSON.parse(e.histogramJson) as HistogramRecord) : null;
    return { reference: parse(champion), previous: parse(previous) };
  }

  async histogram(modelVersionId: string): Promise<HistogramRecord | null> {
    const ev = await this.get(modelVersionId);
    return ev?.histogramJson ? (JSON.parse(ev.histogramJson) as HistogramRecord) : null;
  }

  async forFederation(federationId: string): Promise<EvaluationView[]> {
    return (await this.repo.find({ where: { federationId }, order: { roundNumber: 'ASC' } })).map((e) => this.view(e));
  }

  view(e: ModelEvaluation): EvaluationView {
    return {
      modelVersionId: e.modelVersionId,
      roundId: e.roundId,
      roundNumber: e.roundNumber,
      state: e.state,
      bins: e.bins,
      contributors: e.contributors,
      confirmations: Math.max(0, (JSON.parse(e.reportersJson) as string[]).length - 1),
      deadlineAt: e.deadlineAt,
      completedAt: e.completedAt,
      failureReason: e.failureReason,
      metrics: e.metricsJson ? (JSON.parse(e.metricsJson) as FederatedMetrics) : null,
      test: e.testMetricsJson ? (JSON.parse(e.testMetricsJson) as FederatedMetrics) : null,
      promotedAt: e.promotedAt,
    };
  }
}

/** Every problem with a reported histogram, not just the first. */
export function histogramProblems(h: HistogramRecord, bins: number, o: { mayBeEmpty?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (h.bins !== bins) problems.push(`bins is ${h.bins}, the plan evaluates with ${bins}`);
  for (const side of ['negatives', 'positives'] as const) {
    if (h[side].length !== bins) problems.push(`${side} has ${h[side].length} counts, expected ${bins}`);
    const bad = h[side].findIndex((c) => !Number.isSafeInteger(c) || c < 0);
    if (bad >= 0) problems.push(`${side}[${bad}] is ${h[side][bad]}, not a non-negative integer`);
  }
  for (const k of ['sumSquaredError', 'sumLogLoss'] as const)
    if (!Number.isFinite(h[k]) || h[k] < 0) problems.push(`${k} must be finite and non-negative, got ${h[k]}`);
  if (!problems.length) {
    const n = histogramTotals(toScoreHistogram(h)).numExamples;
    if (n === 0 && !o.mayBeEmpty) problems.push('the histogram counts no examples');
    if (h.sumSquaredError > n)
      problems.push(`sumSquaredError ${h.sumSquaredError} exceeds the number of examples ${n}`);
  }
  return problems;
}
