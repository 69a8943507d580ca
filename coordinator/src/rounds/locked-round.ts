import type { EntityManager } from 'typeorm';
import { Round } from './round.entity';

/**
 * The round row, locked on PostgreSQL until the contribution commits. Other
 * replicas accept contributions too: the leader's state change (an UPDATE) waits
 * for every contribution that saw the old state, and none can commit after it, so
 * nothing acknowledged is ever missing from the closed sum. `exclusive` also
 * serialises contributions that read-modify-write one plaintext accumulator row.
 */
export function lockedRound(
  em: EntityManager,
  roundId: string,
  mode: 'share' | 'exclusive' = 'share',
): Promise<Round | null> {
  if (em.connection.options.type !== 'postgres') return em.getRepository(Round).findOne({ where: { id: roundId } });
  return em
    .getRepository(Round)
    .findOne({ where: { id: roundId }, lock: { mode: mode === 'share' ? 'pessimistic_read' : 'pessimistic_write' } });
}
