import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { emptyHistogram, populationStabilityIndex, scoreBin, type ScoreHistogram } from '@syndicate/protocol';

/** Scores the champion's reference distribution is taken from, after it starts serving. */
export const DRIFT_REFERENCE_SIZE = 10_000;
const DRIFT_BINS = 1000;

/**
 * What a bank's monitoring scrapes from `serve`: latency, decisions, the score
 * distribution, and its drift (population stability index) against the
 * champion's first DRIFT_REFERENCE_SIZE scores since it was loaded.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly latency = new Histogram({
    name: 'syndicate_scoring_latency_seconds',
    help: 'Time from request received to response sent, per scored transaction',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'syndicate_scoring_decisions_total',
    help: 'Scored transactions by decision against the threshold',
    labelNames: ['decision'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'syndicate_scoring_rejected_total',
    help: 'Requests answered 400, by the first field named',
    labelNames: ['field'],
    registers: [this.registry],
  });
  readonly scores = new Histogram({
    name: 'syndicate_scoring_score',
    help: 'Champion scores',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99],
    registers: [this.registry],
  });
  readonly modelInfo = new Gauge({
    name: 'syndicate_scoring_model_info',
    help: 'The model version serving as champion (1) or challenger in shadow (1)',
    labelNames: ['role', 'version'],
    registers: [this.registry],
  });
  private reference: ScoreHistogram = emptyHistogram(DRIFT_BINS);
  private referenceCount = 0;
  private current: ScoreHistogram = emptyHistogram(DRIFT_BINS);

  constructor(cards: () => number) {
    new Gauge({
      name: 'syndicate_scoring_cards',
      help: 'Cards whose history is held in memory',
      registers: [this.registry],
      collect() {
        this.set(cards());
      },
    });
    const drift = () => this.drift();
    new Gauge({
      name: 'syndicate_scoring_score_psi',
      help: "Population stability index of the scores since the reference against the champion's reference (NaN until both exist)",
      registers: [this.registry],
      collect() {
        this.set(drift());
      },
    });
  }

  observeScore(score: number, alert: boolean): void {
    this.decisions.inc({ decision: alert ? 'alert' : 'approve' });
    this.scores.observe(score);
    const b = scoreBin(score, DRIFT_BINS);
    if (this.referenceCount < DRIFT_REFERENCE_SIZE) {
      this.reference.negatives[b]++;
      this.referenceCount++;
    } else this.current.negatives[b]++;
  }

  drift(): number {
    return this.referenceCount < DRIFT_REFERENCE_SIZE ? NaN : populationStabilityIndex(this.reference, this.current);
  }

  /** A new champion gets its own reference. */
  resetReference(): void {
    this.reference = emptyHistogram(DRIFT_BINS);
    this.current = emptyHistogram(DRIFT_BINS);
    this.referenceCount = 0;
  }

  setModels(champion: string, challenger?: string): void {
    this.modelInfo.reset();
    this.modelInfo.set({ role: 'champion', version: champion }, 1);
    if (challenger) this.modelInfo.set({ role: 'challenger', version: challenger }, 1);
  }
}
