import { selectionSchema } from '../plan/training-plan';
import { gainOver, promotes, replaySelection, selectionFigure, type EvaluatedVersion } from './model-selection';

const policy = (p: object = {}) => selectionSchema.parse(p);
const history = (figures: (number | null)[]): EvaluatedVersion[] =>
  figures.map((figure, i) => ({ roundNumber: i + 1, modelVersionId: `m${i + 1}`, figure }));

describe('model selection', () => {
  it('reads the figure the policy names, and which way is better', () => {
    const m = { rocAuc: 0.8, ks: 0.4, logLoss: 0.3, brier: 0.1 };
    expect(selectionFigure(m, 'auc')).toBe(0.8);
    expect(selectionFigure(m, 'log_loss')).toBe(0.3);
    expect(selectionFigure({ ...m, rocAuc: NaN }, 'auc')).toBeNull();
    expect(gainOver('auc', 0.81, 0.8)).toBeCloseTo(0.01, 12);
    expect(gainOver('brier', 0.09, 0.1)).toBeCloseTo(0.01, 12);
  });

  it('promotes only a version that beats the champion by more than the margin', () => {
    const p = policy({ promotionMargin: 0.005 });
    expect(promotes(p, 0.7, null)).toBe(true);
    expect(promotes(p, 0.704, 0.7)).toBe(false);
    expect(promotes(p, 0.706, 0.7)).toBe(true);
    expect(promotes(p, null, 0.7)).toBe(false);
    expect(promotes(policy({ metric: 'log_loss' }), 0.29, 0.3)).toBe(true);
    expect(promotes(policy({ metric: 'log_loss' }), 0.31, 0.3)).toBe(false);
  });

  it('keeps the earlier champion when later rounds drift down', () => {
    // An MLP that peaks at round 4 and then drifts, as seen on real credit data.
    const s = replaySelection(policy(), history([0.7, 0.72, 0.73, 0.736, 0.73, 0.725, 0.72, 0.716]));
    expect(s.champion?.roundNumber).toBe(4);
    expect(s.best?.roundNumber).toBe(4);
    expect(s.roundsWithoutImprovement).toBe(4);
    expect(s.stopped).toBe(false);
  });

  it('stops after patience rounds without an improvement larger than minImprovement', () => {
    const p = policy({ patience: 3, minImprovement: 0.002 });
    // Round 3 improves by only 0.001: it does not reset patience, though it is the best and the champion.
    const s = replaySelection(p, history([0.7, 0.71, 0.711, 0.709, 0.705]));
    expect(s.best?.roundNumber).toBe(3);
    expect(s.champion?.roundNumber).toBe(3);
    expect(s.roundsWithoutImprovement).toBe(3);
    expect(s.stopped).toBe(true);
    expect(replaySelection(p, history([0.7, 0.71, 0.711, 0.709])).stopped).toBe(false);
  });

  it('never stops without patience, and skips versions with no figure', () => {
    const s = replaySelection(policy(), history([null, 0.6, null, 0.5, 0.5, 0.5, 0.5]));
    expect(s.champion?.roundNumber).toBe(2);
    expect(s.stopped).toBe(false);
    expect(replaySelection(policy(), []).champion).toBeNull();
  });

  it('a margin can keep an earlier champion while a later version is best', () => {
    const s = replaySelection(policy({ promotionMargin: 0.01 }), history([0.7, 0.705, 0.709]));
    expect(s.champion?.roundNumber).toBe(1);
    expect(s.best?.roundNumber).toBe(3);
  });
});
