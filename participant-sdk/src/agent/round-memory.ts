import { createHash } from 'crypto';
import { loadAppliedModels, saveAppliedModels } from './applied-models-file';

const APPLIED_KEPT = 4;

/** SHA-256 of a model payload's float32 bytes: what a member computed, and what it confirms. */
export const payloadSha256 = (payload: Float32Array): string =>
  createHash('sha256')
    .update(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))
    .digest('hex');

/**
 * What this member remembers between the tasks of one round; nothing here leaves the process,
 * except the digests of the models it computed, kept in the state directory (when there is one)
 * so that a restart between rounds does not forget them.
 */
export class RoundMemory {
  /** Global payload (weights + server optimizer state) each open secure round started from, to apply its aggregate to. */
  private readonly bases = new Map<string, Float32Array>();
  /** SHA-256 of the payload this member computed itself from an aggregate, by round number. */
  private readonly applied = new Map<number, string>();

  /** This member's weight in each open secure round it sent an update to. */
  private readonly weights = new Map<string, number>();

  constructor(private readonly stateDir?: string) {
    if (stateDir) for (const m of loadAppliedModels(stateDir)) this.applied.set(m.round, m.sha256);
  }

  rememberBase(roundId: string, payload: Float32Array, weight?: number): void {
    this.bases.set(roundId, payload);
    if (weight !== undefined) this.weights.set(roundId, weight);
  }

  weightIn(roundId: string): number | undefined {
    return this.weights.get(roundId);
  }

  baseOf(roundId: string): Float32Array | undefined {
    return this.bases.get(roundId);
  }

  forgetBase(roundId: string): void {
    this.bases.delete(roundId);
    this.weights.delete(roundId);
  }

  rememberApplied(roundNumber: number, payload: Float32Array): void {
    this.applied.set(roundNumber, payloadSha256(payload));
    // The last few rounds are enough: a model is trained on or evaluated the round after it is published.
    for (const n of this.applied.keys()) if (n < roundNumber - APPLIED_KEPT) this.applied.delete(n);
    if (this.stateDir)
      saveAppliedModels(
        this.stateDir,
        [...this.applied].map(([round, sha256]) => ({ round, sha256 })).sort((a, b) => a.round - b.round),
      );
  }

  /** SHA-256 of the payload this member computed from round `roundNumber`'s sum, if it applied that sum. */
  appliedIn(roundNumber: number): string | undefined {
    return this.applied.get(roundNumber);
  }
}
