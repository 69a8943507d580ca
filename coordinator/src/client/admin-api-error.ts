/** A refusal from the admin REST API, with its RFC 7807 reason and listed problems. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'AdminApiError';
  }
}
