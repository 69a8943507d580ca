import { writePrivateFile } from '../common/private-file';
import * as path from 'path';
import {
  buildScoreHistogram,
  decodeFloat64,
  decodeSplitEvaluation,
  encodeSplitEvaluation,
  exactMetrics,
  federatedMetrics,
  type ExactMetrics,
  type FederatedMetrics,
  type ScoreHistogram,
  type SecureAggregationSpec,
  type Task__Output,
} from '@syndicate/protocol';
import type { KeyRing } from '../crypto/key-ring';
import { checkHistogramTotal } from '../trust/aggregate-bounds';
import { roundMode } from './contribution-codec';
import type { CoordinatorClient } from './coordinator-client';
import { sendFields } from './field-upload';
import type { SecureSums } from './secure-sums';

/** What this bank learns about a model on its own holdout: written on-prem, never sent. */
export interface LocalEvaluation {
  roundNumber: number;
  modelVersionId: string;
  evaluatedAt: string;
  /** On the whole holdout. */
  metrics: ExactMetrics;
  /** On the holdout's validation rows (they choose) and test rows (they report); null when the part has no rows. */
  validation: ExactMetrics | null;
  test: ExactMetrics | null;
}

/** Scores and labels of one part of the holdout. */
export interface ScoredRows {
  scores: Float32Array;
  labels: ArrayLike<number>;
}

export const localEvaluationPath = (stateDir: string, roundNumber: number): string =>
  path.join(stateDir, 'evaluations', `round-${roundNumber}.json`);

export function writeLocalEvaluation(stateDir: string, e: LocalEvaluation): string {
  const file = localEvaluationPath(stateDir, e.roundNumber);
  // NaN (one class absent) has no JSON form: null says "undefined" plainly.
  writePrivateFile(
    file,
    `${JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  return file;
}

const histogramWire = (h: ScoreHistogram) => ({
  bins: h.bins,
  negatives: Array.from(h.negatives),
  positives: Array.from(h.positives),
  sumSquaredError: h.sumSquaredError,
  sumLogLoss: h.sumLogLoss,
});

/**
 * Keeps the bank's own metrics locally, and contributes per-class score histograms of
 * its validation rows and of its test rows: encrypted under the federation key in secure
 * mode (the coordinator only adds them), plain integer fields otherwise.
 */
export async function contributeEvaluation(o: {
  task: Task__Output;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  bins: number;
  validation: ScoredRows;
  test: ScoredRows;
  /** Keeps the bank's own figures; runs before anything is sent, so they exist once the consortium's do. */
  keep?: (local: { validation: ExactMetrics | null; test: ExactMetrics | null }) => void;
}): Promise<{ validation: ExactMetrics | null; test: ExactMetrics | null; receiptId: string }> {
  const metricsOf = (r: ScoredRows) => (r.scores.length ? exactMetrics(r.scores, r.labels) : null);
  const local = { validation: metricsOf(o.validation), test: metricsOf(o.test) };
  o.keep?.(local);
  const fields = encodeSplitEvaluation(
    {
      validation: buildScoreHistogram(o.validation.scores, o.validation.labels, o.bins),
      test: buildScoreHistogram(o.test.scores, o.test.labels, o.bins),
    },
    o.spec,
  );
  const receipt = await sendFields({ ...o, kind: 'evaluation', fields });
  return { ...local, receiptId: receipt.receiptId };
}

/** Decrypts the consortium's histogram sum and reports it; every contributor does, so a false report is caught. */
export async function reportEvaluation(o: {
  task: Task__Output;
  client: CoordinatorClient;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  bins: number;
  /** Rows this member scored (validation and test): the consortium's histograms hold at least these. */
  ownRows: number;
}): Promise<{ validation: FederatedMetrics; test: FederatedMetrics | null }> {
  const secure = roundMode(o.task) === 'secure';
  const at = { roundId: o.task.roundId, kind: 'evaluation' as const, keyEpoch: o.task.keyEpoch };
  const sum = await o.sums.download({ ...at, secure, contributed: true, task: o.task });
  const fieldSums: ArrayLike<number> = secure ? await sum.open() : decodeFloat64(sum.data);
  const h = decodeSplitEvaluation(fieldSums, o.bins, o.spec);
  if (secure) {
    const rows = [h.validation, h.test].reduce(
      (n, part) => n + [...part.negatives, ...part.positives].reduce((a, b) => a + b, 0),
      0,
    );
    await o.sums.assertInRange(checkHistogramTotal(rows, null, o.ownRows), at);
  }
  await o.client.submitEvaluation(
    o.task.roundId,
    o.task.modelVersionId,
    sum.contributors,
    { validation: histogramWire(h.validation), test: histogramWire(h.test) },
    o.task.keyEpoch,
  );
  const testRows = h.test.negatives.some((c) => c > 0) || h.test.positives.some((c) => c > 0);
  return { validation: federatedMetrics(h.validation), test: testRows ? federatedMetrics(h.test) : null };
}
