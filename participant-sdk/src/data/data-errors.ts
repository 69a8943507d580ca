/** Problems in a bank's local data, each phrased `row N, column C: ...` (N = line in the file). */
export class DataValidationError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    readonly truncated: boolean,
  ) {
    super(
      `${file} does not match the plan's schema:\n${problems.map((p) => `  - ${p}`).join('\n')}` +
        (truncated ? `\n  ... (stopped after ${problems.length} problems)` : ''),
    );
    this.name = 'DataValidationError';
  }
}
