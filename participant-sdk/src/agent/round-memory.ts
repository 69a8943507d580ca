/** What this member remembers between the tasks of one round; nothing here leaves the process. */
export class RoundMemory {
  /** Global payload (weights + server optimizer state) each open secure round started from, to apply its aggregate to. */
  private readonly bases = new Map<string, Float32Array>();
  /** Payload this member computed itself from an aggregate, by round number. */
  private readonly applied = new Map<number, Float32Array>();

  rememberBase(roundId: string, payload: Float32Array): void {
    this.bases.set(roundId, payload);
  }

  baseOf(roundId: string): Float32Array | undefined {
    return this.bases.get(roundId);
  }

  forgetBase(roundId: string): void {
    this.bases.delete(roundId);
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
