import type { Round } from './round.entity';

/**
 * What a round's aggregation mode decides, chosen once from `round.mode` instead of
 * `mode === 'secure'` branches spread through the services.
 */
export interface RoundMode {
  readonly name: Round['mode'];
  /**
   * Secure rounds first collect encrypted sample counts under a key epoch, so updates can be weighted;
   * plaintext rounds count only when the plan still needs consortium feature statistics.
   */
  readonly firstPhase: 'collecting' | 'counting';
  /** What closes the counting phase: every member's count (secure), or its feature statistics (plaintext). */
  readonly countingKind: 'count' | 'stats';
  /** Only members whose sample count is in the sum may send an update (its weight must be in the total). */
  readonly updatesNeedCount: boolean;
  /** The coordinator averages plaintext itself; a member decrypts the encrypted sum and uploads the model. */
  readonly publishedBy: 'coordinator' | 'member';
  /** Who evaluates and is expected to contribute: every active member, or the active holders of the round's key. */
  readonly audience: 'active' | 'key-members';
  /** The HE parameter set agents get in tasks: empty when nothing is encrypted. */
  taskParameterSet(planParameterSet: string): string;
}

const PLAINTEXT: RoundMode = {
  name: 'plaintext',
  firstPhase: 'collecting',
  countingKind: 'stats',
  updatesNeedCount: false,
  publishedBy: 'coordinator',
  audience: 'active',
  taskParameterSet: () => '',
};

const SECURE: RoundMode = {
  name: 'secure',
  firstPhase: 'counting',
  countingKind: 'count',
  updatesNeedCount: true,
  publishedBy: 'member',
  audience: 'key-members',
  taskParameterSet: (p) => p,
};

export function roundMode(round: Pick<Round, 'mode'>): RoundMode {
  return round.mode === 'secure' ? SECURE : PLAINTEXT;
}
