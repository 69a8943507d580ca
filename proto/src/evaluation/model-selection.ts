import type { SelectionPolicy } from '../plan/training-plan';
import type { ExactMetrics } from './exact-metrics';

export type SelectionMetric = SelectionPolicy['metric'];

/** The figure a policy chooses by; null when it is undefined (a class absent from the validation rows). */
export function selectionFigure(m: Pick<ExactMetrics, 'rocAuc' | 'ks' | 'logLoss' | 'brier'>, metric: SelectionMetric) {
  const v = { auc: m.rocAuc, ks: m.ks, log_loss: m.logLoss, brier: m.brier }[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** How much better `candidate` is than `reference` (positive = better), whichever way the metric points. */
export const gainOver = (metric: SelectionMetric, candidate: number, reference: number): number =>
  metric === 'auc' || metric === 'ks' ? candidate - reference : reference - candidate;

/**
 * Whether a newly evaluated version replaces the champion: it must beat the champion's
 * validation figure by more than the margin. The first version with a figure is champion.
 */
export function promotes(policy: SelectionPolicy, candidate: number | null, champion: number | null): boolean {
  if (candidate === null) return false;
  if (champion === null) return true;
  return gainOver(policy.metric, candidate, champion) > policy.promotionMargin;
}

export interface EvaluatedVersion {
  roundNumber: number;
  modelVersionId: string;
  /** The policy's figure on the federated validation rows; null when undefined. */
  figure: number | null;
}

export interface SelectionState {
  champion: EvaluatedVersion | null;
  /** The best version by the figure alone (the champion may be an earlier one within the margin). */
  best: EvaluatedVersion | null;
  /** Evaluated rounds since the best figure last improved by more than minImprovement. */
  roundsWithoutImprovement: number;
  /** Patience is exhausted: no further round should open. */
  stopped: boolean;
}

/** Replays promotion and early stopping over a federation's evaluated versions, oldest first. */
export function replaySelection(policy: SelectionPolicy, history: EvaluatedVersion[]): SelectionState {
  let champion: EvaluatedVersion | null = null;
  let best: EvaluatedVersion | null = null;
  // Patience counts from the last figure that beat its predecessor by more than minImprovement (as Keras does).
  let mark: number | null = null;
  let stale = 0;
  for (const v of [...history].sort((a, b) => a.roundNumber - b.roundNumber)) {
    if (promotes(policy, v.figure, champion?.figure ?? null)) champion = v;
    if (v.figure === null) {
      stale++;
      continue;
    }
    if (best?.figure == null || gainOver(policy.metric, v.figure, best.figure) > 0) best = v;
    if (mark === null || gainOver(policy.metric, v.figure, mark) > policy.minImprovement) {
      mark = v.figure;
      stale = 0;
    } else stale++;
  }
  return {
    champion,
    best,
    roundsWithoutImprovement: stale,
    stopped: policy.patience !== undefined && stale >= policy.patience,
  };
}
