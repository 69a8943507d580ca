import { Injectable } from '@nestjs/common';
import type { AggregationMode, ContributionKind } from '@syndicate/protocol';
import type { ContributionAccumulator } from './contribution-accumulator';
import { EncryptedAccumulator } from './encrypted.accumulator';
import { PlaintextFieldsAccumulator } from './plaintext-fields.accumulator';
import { PlaintextFloatAccumulator } from './plaintext-float.accumulator';

/** Secure vs plaintext is decided here, once: which accumulator sums a mode's contributions of each kind. */
@Injectable()
export class AccumulatorRegistry {
  private readonly byMode: Record<AggregationMode, Partial<Record<ContributionKind, ContributionAccumulator>>>;

  constructor(
    readonly plaintextFloat: PlaintextFloatAccumulator,
    plaintextFields: PlaintextFieldsAccumulator,
    encrypted: EncryptedAccumulator,
  ) {
    this.byMode = {
      // Sample counts only exist under secure aggregation (a plaintext update carries its own).
      plaintext: { model: plaintextFloat, evaluation: plaintextFields, stats: plaintextFields },
      secure: { model: encrypted, count: encrypted, evaluation: encrypted, stats: encrypted },
    };
  }

  /** Undefined when the mode takes no contributions of `kind`. */
  find(mode: AggregationMode, kind: ContributionKind): ContributionAccumulator | undefined {
    return this.byMode[mode][kind];
  }

  for(mode: AggregationMode, kind: ContributionKind): ContributionAccumulator {
    const found = this.find(mode, kind);
    if (!found) throw new Error(`a ${mode} round takes no ${kind} contributions`);
    return found;
  }
}
