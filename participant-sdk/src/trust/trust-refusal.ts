/**
 * Something this bank's agent refused to do because it would have relied on the coordinator's word:
 * open a key share, seal to a member, decrypt a sum. The reason is a code from proto's list; the
 * agent reports it (the coordinator audits it) and never proceeds.
 */
export class TrustRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrustRefusal';
  }
}
