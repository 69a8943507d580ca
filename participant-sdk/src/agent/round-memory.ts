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
  }

  /** The payload computed for this round, if any; forgotten once read. */
  takeApplied(roundNumber: number): Float32Array | undefined {
    const payload = this.applied.get(roundNumber);
    this.applied.delete(roundNumber);
    return payload;
  }
}
