import { seededRandom } from '../plan/initial-weights';
import { federatedMetrics, populationStabilityIndex } from './histogram-metrics';
import { buildScoreHistogram, type ScoreHistogram } from './score-histogram';

/** A standard normal draw (Box-Muller) from a seeded stream. */
const normal = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/**
 * A credit population of `n` applicants with three features (the first, an income-like one, `shift`
 * standard deviations off the reference population), labels drawn from the true model, scored by a
 * logistic model with weights `w`.
 */
function scoredPopulation(n: number, seed: number, w: number[], shift = 0): ScoreHistogram {
  const rand = seededRandom(seed);
  const truth = [1.2, -0.8, 0.5];
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = truth.map((_, j) => normal(rand) + (j === 0 ? shift : 0));
    const logit = (v: number[], b: number) => b + v.reduce((s, wi, j) => s + wi * x[j], 0);
    labels.push(rand() < 1 / (1 + Math.exp(-logit(truth, -2.5))) ? 1 : 0);
    scores.push(1 / (1 + Math.exp(-logit(w, -2.5))));
  }
  return buildScoreHistogram(scores, labels);
}

describe('population stability against the champion', () => {
  const champion = [1.1, -0.75, 0.55];
  const reference = scoredPopulation(5000, 1, champion);

  it('stays under 0.1 over 10 rounds of a stable model on stable data', () => {
    for (let round = 1; round <= 10; round++) {
      // Each round's model moves a little (training noise), and the rows are drawn afresh from the same population.
      const rand = seededRandom(100 + round);
      const w = champion.map((c) => c + 0.05 * (rand() - 0.5));
      const current = scoredPopulation(5000, 1000 + round, w);
      const m = federatedMetrics(current, reference);
      expect(m.psi).toBeLessThan(0.1);
    }
  });

  it('goes over 0.25 for a shifted population, and between 0.1 and 0.25 for a drifting one', () => {
    expect(populationStabilityIndex(reference, scoredPopulation(5000, 2, champion, 1))).toBeGreaterThan(0.25);
    const drifting = populationStabilityIndex(reference, scoredPopulation(5000, 3, champion, 0.6));
    expect(drifting).toBeGreaterThan(0.1);
    expect(drifting).toBeLessThan(0.25);
  });

  it('reports version-to-version shift as its own figure', () => {
    const previous = scoredPopulation(5000, 1, [1.0, -0.7, 0.5]);
    const m = federatedMetrics(reference, undefined, previous);
    expect(m.psi).toBeNull();
    expect(m.shift).toBeCloseTo(populationStabilityIndex(previous, reference), 12);
    expect(m.shift).toBeGreaterThan(0);
  });
});
