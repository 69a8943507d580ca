import { AGREEING_REPORTS } from '../common/report-agreement';
import type { ModelEvaluation } from './model-evaluation.entity';

/**
 * When an evaluation whose sum is final stops waiting for agreeing reports: as long after its
 * collection deadline as collection itself was given. One member alone never records figures, so
 * without this an evaluation only one member reports would stay `decrypting` for ever.
 */
export const decryptionDeadline = (ev: Pick<ModelEvaluation, 'deadlineAt' | 'createdAt'>): number =>
  ev.deadlineAt + Math.max(0, ev.deadlineAt - ev.createdAt);

/** Why it failed, for the UI, the CLI and the audit log: how many members reported, and how many must agree. */
export function unconfirmedReason(ev: Pick<ModelEvaluation, 'reportersJson'>): string {
  const reporters = (JSON.parse(ev.reportersJson) as string[]).length;
  return (
    `EVALUATION_UNCONFIRMED: ${reporters} member(s) reported the decrypted histograms by the decryption deadline; ` +
    `${AGREEING_REPORTS} must report the same before any figure is recorded`
  );
}
