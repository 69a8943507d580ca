/** Problems in a bank's local data, each phrased `row N, column C: ...` (N = spreadsheet row; the header is row 1). */
export class DataValidationError extends Error {
  /** True when more problems were found than are listed. */
  readonly truncated: boolean;

  constructor(
    readonly file: string,
    readonly problems: string[],
    /** Problems found beyond those listed. */
    readonly moreProblems = 0,
  ) {
    super(
      `${file} does not match the plan's schema (nothing was trained on it):\n${problems.map((p) => `  - ${p}`).join('\n')}` +
        (moreProblems > 0 ? `\n  ... and ${moreProblems} more problem${moreProblems === 1 ? '' : 's'}` : ''),
    );
    this.name = 'DataValidationError';
    this.truncated = moreProblems > 0;
  }
}

export const MAX_REPORTED_PROBLEMS = 50;

/** Keeps the first `limit` problems and counts the rest, so a bad file never fills memory with messages. */
export class ProblemList {
  private readonly kept: string[] = [];
  private more = 0;

  constructor(private readonly limit = MAX_REPORTED_PROBLEMS) {}

  add(problem: string): void {
    if (this.kept.length < this.limit) this.kept.push(problem);
    else this.more++;
  }

  get count(): number {
    return this.kept.length + this.more;
  }

  error(file: string): DataValidationError {
    return new DataValidationError(file, [...this.kept], this.more);
  }

  throwIfAny(file: string): void {
    if (this.count > 0) throw this.error(file);
  }
}
