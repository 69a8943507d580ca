/**
 * A refusal from the admin REST API, with its RFC 7807 reason and listed problems. `reason` is a `ReasonCode`
 * from `@syndicate/protocol` when the coordinator answered; when it could not be reached (status 0) it is the
 * network error's code (e.g. ECONNREFUSED) or UNREACHABLE, which a newer coordinator's codes may also be.
 */
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
