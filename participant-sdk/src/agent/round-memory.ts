const APPLIED_KEPT = 4;

/** What this member remembers between the tasks of one round; nothing here leaves the process. */
export class RoundMemory {
  /** Global payload (weights + server optimizer state) each open secure round started from, to apply its aggregate to. */
  private readonly bases = new Map<string, Float32Array>();
  /** Payload this member computed itself from an aggregate, by round number. */
  private readonly applied = new Map<number, Float32Array>();

  /** This member's weight in each open secure round it sent an update to. */
  private readonly weights = new Map<string, number>();

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
    this.applied.set(roundNumber, payload);
    // The last few rounds are enough: a model is trained on or evaluated the round after it is published.
    for (const n of this.applied.keys()) if (n < roundNumber - APPLIED_KEPT) this.applied.delete(n);
  }

  /** The payload this member computed from round `roundNumber`'s sum, if it applied that sum. */
  appliedIn(roundNumber: number): Float32Array | undefined {
    return this.applied.get(roundNumber);
  }
}
