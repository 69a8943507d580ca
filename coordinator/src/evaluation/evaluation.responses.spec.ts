import { buildScoreHistogram, federatedMetrics, seededRandom } from '@syndicate/protocol';
import type { EvaluationView } from './evaluation.service';
import { evaluationViewSchema, federatedMetricsSchema } from './evaluation.responses';

/** What a client receives: JSON, where NaN becomes null. */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function histogram(n: number, positiveRate: number) {
  const rnd = seededRandom(7);
  const labels = Array.from({ length: n }, () => (rnd() < positiveRate ? 1 : 0));
  const scores = labels.map((y) => Math.min(0.999, Math.max(0, 0.3 * y + 0.7 * rnd())));
  return buildScoreHistogram(scores, labels, 1000);
}

describe('evaluation response schemas', () => {
  it('accept the figures federatedMetrics computes, as a client receives them', () => {
    const reference = histogram(2000, 0.1);
    const metrics = federatedMetrics(histogram(1500, 0.2), reference);
    const view: EvaluationView = {
      modelVersionId: 'mv_1',
      roundId: 'rnd_1',
      roundNumber: 3,
      state: 'complete',
      bins: 1000,
      contributors: 3,
      confirmations: 3,
      deadlineAt: 1_700_000_000_000,
      completedAt: 1_700_000_060_000,
      failureReason: null,
      metrics,
      test: federatedMetrics(histogram(1400, 0.2), reference),
      promotedAt: 1_700_000_060_000,
    };
    const parsed = evaluationViewSchema.safeParse(overTheWire(view));
    expect(parsed.success ? null : parsed.error.issues).toBeNull();
    expect(parsed.data?.metrics?.rocAuc).toBeCloseTo(metrics.rocAuc, 12);
  });

  it('accept null for a figure that is undefined on the data (one class absent: no AUC)', () => {
    const metrics = federatedMetrics(histogram(500, 0));
    expect(Number.isNaN(metrics.rocAuc)).toBe(true);
    const parsed = federatedMetricsSchema.safeParse(overTheWire(metrics));
    expect(parsed.success ? null : parsed.error.issues).toBeNull();
    expect(parsed.data?.rocAuc).toBeNull();
  });

  it('refuse a body that is not what the coordinator sends', () => {
    const metrics = overTheWire(federatedMetrics(histogram(500, 0.3))) as Record<string, unknown>;
    expect(federatedMetricsSchema.safeParse({ ...metrics, rocAuc: '0.8' }).success).toBe(false);
    const withoutFraud = { ...metrics };
    delete withoutFraud.fraud;
    expect(federatedMetricsSchema.safeParse(withoutFraud).success).toBe(false);
  });
});
