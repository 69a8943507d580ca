import { Inject, Injectable } from '@nestjs/common';
import { decodeFloat32 } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { SyndicateError } from '../../common/syndicate-error';
import type { AggregationStrategy } from '../aggregation-strategy';
import { RoundAccumulator } from '../round-accumulator.entity';
import { AGGREGATION_STRATEGY } from '../aggregation-tokens';
import type { AggregateSum, Contribution, ContributionAccumulator } from './contribution-accumulator';
import { asUpdateError } from './payload-errors';

/** Plaintext float32 updates folded into the strategy's state (FedAvg by default), one row per round. */
@Injectable()
export class PlaintextFloatAccumulator implements ContributionAccumulator<Float32Array> {
  readonly name = 'plaintext-float';
  readonly roundLock = 'exclusive';

  constructor(@Inject(AGGREGATION_STRATEGY) readonly strategy: AggregationStrategy<unknown>) {}

  decode(c: Contribution): Float32Array {
    let update: Float32Array;
    try {
      update = decodeFloat32(c.payload, c.numParams);
    } catch (err) {
      throw asUpdateError(err);
    }
    if (!Number.isSafeInteger(c.numSamples) || c.numSamples < 1) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_SAMPLE_COUNT',
        `num_samples must be a positive integer, got ${c.numSamples}`,
      );
    }
    return update;
  }

  async add(em: EntityManager, c: Contribution, update: Float32Array): Promise<number> {
    const accumulators = em.getRepository(RoundAccumulator);
    const stored = await accumulators.findOne({ where: { roundId: c.roundId, kind: 'model' } });
    const state = stored ? this.strategy.deserialize(stored) : this.strategy.init(c.numParams);
    const next = this.strategy.serialize(this.strategy.add(state, update, c.numSamples));
    await accumulators.save(accumulators.create({ roundId: c.roundId, kind: 'model', ...next }));
    return next.contributors;
  }

  /** The serialized strategy state; `result` is what rounds publish. */
  async sum(em: EntityManager, roundId: string): Promise<AggregateSum | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    return stored && stored.contributors > 0
      ? { data: Buffer.from(stored.data), contributors: stored.contributors }
      : null;
  }

  /** The strategy's aggregate of everything accepted so far; null when nothing was. */
  async result(em: EntityManager, roundId: string): Promise<{ weights: Float32Array; contributors: number } | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    if (!stored || stored.contributors === 0) return null;
    return { weights: this.strategy.finalize(this.strategy.deserialize(stored)), contributors: stored.contributors };
  }
}
