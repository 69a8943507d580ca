import type { FederationNotice__Output } from '@syndicate/protocol';
import type { Logger } from 'pino';

/** The admin paused, resumed or cancelled: say so in the bank's log, and drop work nobody will accept. */
export function handleNotice(
  n: FederationNotice__Output,
  queue: { dropRound(roundId: string): number },
  log: Logger,
): void {
  if (n.kind === 'KIND_ROUND_CANCELLED') {
    const dropped = queue.dropRound(n.roundId);
    log.warn(
      { round: n.roundNumber, roundId: n.roundId, dropped, why: n.message },
      'round cancelled by the consortium',
    );
  } else if (n.kind === 'KIND_PAUSED') {
    log.warn(
      { round: n.roundNumber, why: n.message },
      'federation paused by the consortium: work already sent is kept, the round waits',
    );
  } else if (n.kind === 'KIND_RESUMED') {
    log.info(
      {
        round: n.roundNumber,
        deadline: n.deadlineUnixMs ? new Date(Number(n.deadlineUnixMs)).toISOString() : undefined,
      },
      'federation resumed',
    );
  }
}
