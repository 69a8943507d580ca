import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  federatedMetrics,
  histogramTotals,
  type FederatedMetrics,
  type ReasonCode,
  type SelectionPolicy,
} from '@syndicate/protocol';
import { In, IsNull, LessThan, type EntityManager, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { assertEvaluationMove, PENDING_EVALUATION_STATES } from './evaluation-state-machine';
import { ChampionService } from './champion.service';
import { judgeReport } from '../common/report-agreement';
import { canonical, histogramProblems, toScoreHistogram, type HistogramRecord } from './histogram-record';
import { ModelEvaluation, type ModelEvaluationState } from './model-evaluation.entity';

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

  async fail(ev: ModelEvaluation, reason: string, code?: ReasonCode): Promise<void> {
    if (!(await this.move(ev, 'failed', { failureReason: reason, completedAt: this.clock.now() }))) return;
    this.log.warn({ modelVersionId: ev.modelVersionId, round: ev.roundNumber, reason, code }, 'evaluation failed');
    await this.audit.record({
      actor: 'system',
      action: 'evaluation.failed',
      federationId: ev.federationId,
      subject: ev.modelVersionId,
      detail: { round: ev.roundNumber, reason, ...(code ? { code } : {}) },
    });
  }

  /**
   * A member reports the consortium histograms it decrypted. Nothing is recorded until a second
   * member reports the same figures (one member alone could impose its own); every report must
   * agree with the first, or the mismatch is audited and refused.
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
    const stored = ev.histogramJson
      ? {
          canonical: canonical(
            JSON.parse(ev.histogramJson) as HistogramRecord,
            ev.testHistogramJson ? (JSON.parse(ev.testHistogramJson) as HistogramRecord) : null,
          ),
          reporters: JSON.parse(ev.reportersJson) as string[],
        }
      : null;
    const verdict = judgeReport(stored, { participantId: o.participantId, canonical: canonical(o.histogram, o.test) });
    if (verdict.kind === 'mismatch') {
      await this.audit.record({
        actor: o.participantId,
        action: 'evaluation.mismatch',
        federationId: ev.federationId,
        subject: ev.modelVersionId,
        detail: { round: ev.roundNumber, firstReportedBy: verdict.firstReportedBy },
      });
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EVALUATION_MISMATCH',
        `the histogram you decrypted differs from the one ${verdict.firstReportedBy} reported for round ${ev.roundNumber}; both are in the audit log`,
      );
    }
    if (verdict.kind === 'repeat') return this.view(ev);
    if (verdict.kind === 'first') {
      // Kept aside, not recorded: the figures count only once another member decrypted the same.
      const res = await this.repo.update(
        { modelVersionId: ev.modelVersionId, histogramJson: IsNull() },
        {
          histogramJson: JSON.stringify(o.histogram),
          testHistogramJson: JSON.stringify(o.test),
          reportedBy: o.participantId,
          reportersJson: JSON.stringify([o.participantId]),
        },
      );
      if (!res.affected) return this.report(o);
      return this.view((await this.get(ev.modelVersionId))!);
    }
    if (ev.state === 'complete' || !verdict.enough) {
      await this.repo.update(
        { modelVersionId: ev.modelVersionId },
        { reportersJson: JSON.stringify(verdict.reporters) },
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
      metricsJson: JSON.stringify(metrics),
      testMetricsJson: testMetrics ? JSON.stringify(testMetrics) : null,
      reportersJson: JSON.stringify(verdict.reporters),
      completedAt: this.clock.now(),
    });
    // Someone else's confirmation landed first: check ours against the record.
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
      detail: {
        round: ev.roundNumber,
        contributors: ev.contributors,
        agreedBy: verdict.reporters,
        auc: metrics.rocAuc,
        ks: metrics.ks,
      },
    });
    await this.champions.consider(ev);
    return this.view((await this.get(ev.modelVersionId))!);
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

  /** The recorded (agreed) validation histogram; null until two members agree. */
  async histogram(modelVersionId: string): Promise<HistogramRecord | null> {
    const ev = await this.get(modelVersionId);
    return ev?.state === 'complete' && ev.histogramJson ? (JSON.parse(ev.histogramJson) as HistogramRecord) : null;
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
