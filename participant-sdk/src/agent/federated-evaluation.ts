import { writePrivateFile } from '../common/private-file';
import * as path from 'path';
import {
  buildScoreHistogram,
  decodeEvaluationContribution,
  decodeFloat64,
  encodeEvaluationContribution,
  exactMetrics,
  federatedMetrics,
  type ExactMetrics,
  type FederatedMetrics,
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
  metrics: ExactMetrics;
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

/**
 * Scores the holdout, keeps the bank's own metrics locally, and contributes
 * per-class score histograms: encrypted under the federation key in secure
 * mode (the coordinator only adds them), plain integer fields otherwise.
 */
export async function contributeEvaluation(o: {
  task: Task__Output;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  bins: number;
  scores: Float32Array;
  labels: ArrayLike<number>;
  /** Keeps the bank's own figures; runs before anything is sent, so they exist once the consortium's do. */
  keep?: (local: ExactMetrics) => void;
}): Promise<{ local: ExactMetrics; receiptId: string }> {
  const local = exactMetrics(o.scores, o.labels);
  o.keep?.(local);
  const fields = encodeEvaluationContribution(buildScoreHistogram(o.scores, o.labels, o.bins), o.spec);
  const receipt = await sendFields({ ...o, kind: 'evaluation', fields });
  return { local, receiptId: receipt.receiptId };
}

/** Decrypts the consortium's histogram sum and reports it; every contributor does, so a false report is caught. */
export async function reportEvaluation(o: {
  task: Task__Output;
  client: CoordinatorClient;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  bins: number;
  /** Rows this member scored: the consortium's histograms hold at least these. */
  ownRows: number;
}): Promise<FederatedMetrics> {
  const secure = roundMode(o.task) === 'secure';
  const at = { roundId: o.task.roundId, kind: 'evaluation' as const, keyEpoch: o.task.keyEpoch };
  const sum = await o.sums.download({ ...at, secure, contributed: true });
  const fieldSums: ArrayLike<number> = secure
    ? (await o.keys.get(o.task.keyEpoch)).holder.decrypt(sum.data)
    : decodeFloat64(sum.data);
  const h = decodeEvaluationContribution(fieldSums, o.bins, o.spec);
  if (secure) {
    const rows = [...h.negatives, ...h.positives].reduce((a, b) => a + b, 0);
    await o.sums.assertInRange(checkHistogramTotal(rows, null, o.ownRows), at);
  }
  await o.client.submitEvaluation(
    o.task.roundId,
    o.task.modelVersionId,
    sum.contributors,
    {
      bins: h.bins,
      negatives: Array.from(h.negatives),
      positives: Array.from(h.positives),
      sumSquaredError: h.sumSquaredError,
      sumLogLoss: h.sumLogLoss,
    },
    o.task.keyEpoch,
  );
  return federatedMetrics(h);
}
