import { canonical, type HistogramRecord } from './histogram-record';

/** Members whose decrypted figures must agree before any is recorded: one member alone could impose its own. */
export const AGREEING_REPORTS = 2;

export interface StoredReport {
  validation: HistogramRecord;
  test: HistogramRecord | null;
  reporters: readonly string[];
}

export type ReportVerdict =
  /** Nothing reported yet: keep it aside until another member agrees. */
  | { kind: 'first' }
  /** The same member again: nothing changes. */
  | { kind: 'repeat' }
  /** Another member decrypted the same figures: with this one, enough agree to record them. */
  | { kind: 'agrees'; reporters: string[]; enough: boolean }
  | { kind: 'mismatch'; firstReportedBy: string };

/** How one more member's report of a consortium histogram stands against what others reported. */
export function judgeReport(
  stored: StoredReport | null,
  report: { participantId: string; validation: HistogramRecord; test: HistogramRecord | null },
): ReportVerdict {
  if (!stored) return { kind: 'first' };
  if (canonical(stored.validation, stored.test) !== canonical(report.validation, report.test))
    return { kind: 'mismatch', firstReportedBy: stored.reporters[0] ?? 'another member' };
  if (stored.reporters.includes(report.participantId)) return { kind: 'repeat' };
  const reporters = [...stored.reporters, report.participantId];
  return { kind: 'agrees', reporters, enough: reporters.length >= AGREEING_REPORTS };
}
