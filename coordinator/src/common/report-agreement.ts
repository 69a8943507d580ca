/** Members whose decrypted figures must agree before any is recorded: one member alone could impose its own. */
export const AGREEING_REPORTS = 2;

/** What members reported so far, in canonical form (equal figures give equal strings). */
export interface StoredReport {
  canonical: string;
  reporters: readonly string[];
}

export type ReportVerdict =
  /** Nothing reported yet: keep it aside until another member agrees. */
  | { kind: 'first' }
  /** The same member again: nothing changes. */
  | { kind: 'repeat' }
  /** Another member decrypted the same figures; `enough` once AGREEING_REPORTS members agree. */
  | { kind: 'agrees'; reporters: string[]; enough: boolean }
  | { kind: 'mismatch'; firstReportedBy: string };

/** How one more member's report of a decrypted consortium figure stands against what others reported. */
export function judgeReport(
  stored: StoredReport | null,
  report: { participantId: string; canonical: string },
): ReportVerdict {
  if (!stored) return { kind: 'first' };
  if (stored.canonical !== report.canonical)
    return { kind: 'mismatch', firstReportedBy: stored.reporters[0] ?? 'another member' };
  if (stored.reporters.includes(report.participantId)) return { kind: 'repeat' };
  const reporters = [...stored.reporters, report.participantId];
  return { kind: 'agrees', reporters, enough: reporters.length >= AGREEING_REPORTS };
}
