import { Injectable } from '@nestjs/common';
import { decodeFloat64, encodeFloat64, type ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { SyndicateError } from '../../common/syndicate-error';
import { RoundAccumulator } from '../round-accumulator.entity';
import type { AggregateSum, Contribution, ContributionAccumulator } from './contribution-accumulator';

/** Plaintext integer contributions (evaluation histograms, feature statistics): exact float64 sums of uint32 fields. */
@Injectable()
export class PlaintextFieldsAccumulator implements ContributionAccumulator<Uint32Array> {
  readonly name = 'plaintext-fields';
  // One accumulator row per round and kind, updated by any replica: one writer at a time.
  readonly roundLock = 'exclusive';

  decode(c: Contribution): Uint32Array {
    if (c.payload.length !== c.valueCount * 4) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'SHAPE_MISMATCH',
        `contribution has ${c.payload.length} bytes, expected ${c.valueCount} uint32 fields (${c.valueCount * 4} bytes)`,
      );
    }
    const fields = new Uint32Array(c.valueCount);
    for (let i = 0; i < c.valueCount; i++) fields[i] = c.payload.readUInt32LE(i * 4);
    return fields;
  }

  async add(em: EntityManager, c: Contribution, fields: Uint32Array): Promise<number> {
    const accumulators = em.getRepository(RoundAccumulator);
    const stored = await accumulators.findOne({ where: { roundId: c.roundId, kind: c.kind } });
    const sums = stored ? decodeFloat64(stored.data) : new Float64Array(c.valueCount);
    if (sums.length !== c.valueCount)
      throw new SyndicateError(
        'INTERNAL',
        'ACCUMULATOR_SHAPE',
        `stored ${c.kind} sum of round ${c.roundId} has ${sums.length} fields, expected ${c.valueCount}`,
      );
    for (let i = 0; i < fields.length; i++) sums[i] += fields[i];
    const contributors = (stored?.contributors ?? 0) + 1;
    await accumulators.save(
      accumulators.create({
        roundId: c.roundId,
        kind: c.kind,
        contributors,
        totalWeight: 0,
        data: encodeFloat64(sums),
      }),
    );
    return contributors;
  }

  async sum(em: EntityManager, roundId: string, kind: ContributionKind): Promise<AggregateSum | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind } });
    return stored && stored.contributors > 0
      ? { data: Buffer.from(stored.data), contributors: stored.contributors }
      : null;
  }
}
