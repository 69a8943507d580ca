import { Inject, Injectable } from '@nestjs/common';
import { decodeFloat32, type ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { SyndicateError } from '../../common/syndicate-error';
import { AcceptedCiphertext } from '../accepted-ciphertext.entity';
import type { AggregationStrategy } from '../aggregation-strategy';
import { RoundAccumulator } from '../round-accumulator.entity';
import { AGGREGATION_STRATEGY } from '../aggregation-tokens';
import { UpdateReceipt } from '../update-receipt.entity';
import type { AggregateSum, Contribution, ContributionAccumulator } from './contribution-accumulator';
import { asUpdateError } from './payload-errors';

/**
 * Plaintext float32 updates folded into the strategy's state (FedAvg by default).
 * The running state lives in memory; each accepted update is only appended (its
 * float32 payload, 4 bytes a parameter) with its receipt, so an update costs one
 * insert instead of re-reading and rewriting the float64 sum. After a restart, a
 * rolled-back transaction or another replica's updates, the state is rebuilt from
 * what committed. The round's result seals the state into one row and drops the updates.
 */
@Injectable()
export class PlaintextFloatAccumulator implements ContributionAccumulator<Float32Array> {
  readonly name = 'plaintext-float';
  // Updates are appended, never read-modify-written: any replica may add one while another does.
  readonly roundLock = 'share';
  /** Strategy state of open rounds: what committed, plus at most one update whose transaction is in flight. */
  private readonly states = new Map<string, { state: unknown; contributors: number }>();
  private readonly uncommitted = new Set<string>();

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
    const held = this.states.get(c.roundId) ?? (await this.load(em, c.roundId, c.numParams));
    // The strategy may fold in place: from here until settle() the held state is not known to be committed.
    this.uncommitted.add(c.roundId);
    this.states.set(c.roundId, held);
    held.state = this.strategy.add(held.state, update, c.numSamples);
    held.contributors++;
    await em
      .getRepository(AcceptedCiphertext)
      .insert({ roundId: c.roundId, kind: 'model', participantId: c.participantId, data: c.payload });
    return held.contributors;
  }

  settle(roundId: string, _kind: ContributionKind, committed: boolean): void {
    if (this.uncommitted.delete(roundId) && !committed) this.states.delete(roundId);
  }

  /** The sealed strategy state (after the round's result); null before or when nothing was accepted. */
  async sum(em: EntityManager, roundId: string): Promise<AggregateSum | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    return stored && stored.contributors > 0
      ? { data: Buffer.from(stored.data), contributors: stored.contributors }
      : null;
  }

  /**
   * The strategy's aggregate of everything accepted; null when nothing was. Within
   * `em`, seals the state into the round's accumulator row and drops the stored
   * updates, so both commit with whatever the caller writes from the result.
   */
  async result(em: EntityManager, roundId: string): Promise<{ weights: Float32Array; contributors: number } | null> {
    const accepted = await em.getRepository(AcceptedCiphertext).count({ where: { roundId, kind: 'model' } });
    const sealed = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    const expected = accepted + (sealed?.contributors ?? 0);
    let held = this.uncommitted.has(roundId) ? undefined : this.states.get(roundId);
    // Another replica took updates this one never saw, or this one's memory is behind: rebuild from the database.
    if (!held || held.contributors !== expected) held = await this.load(em, roundId, 0);
    this.states.delete(roundId);
    if (held.contributors === 0) return null;
    if (accepted > 0) {
      const s = this.strategy.serialize(held.state);
      await em.getRepository(RoundAccumulator).save({ roundId, kind: 'model', ...s });
      await em.getRepository(AcceptedCiphertext).delete({ roundId, kind: 'model' });
    }
    return { weights: this.strategy.finalize(held.state), contributors: held.contributors };
  }

  /** What committed: a sealed state (if any) plus every stored update, weighted by its receipt's sample count. */
  private async load(em: EntityManager, roundId: string, numParams: number) {
    const sealed = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    const rows = await em
      .getRepository(AcceptedCiphertext)
      .find({ where: { roundId, kind: 'model' }, order: { participantId: 'ASC' } });
    const weights = new Map(
      (await em.getRepository(UpdateReceipt).find({ where: { roundId, kind: 'model' } })).map((r) => [
        r.participantId,
        r.numSamples,
      ]),
    );
    const width = rows[0] ? rows[0].data.length / 4 : numParams;
    let state = sealed ? this.strategy.deserialize(sealed) : this.strategy.init(width);
    for (const row of rows) {
      const weight = weights.get(row.participantId);
      if (weight === undefined)
        throw new SyndicateError(
          'INTERNAL',
          'ACCUMULATOR_SHAPE',
          `stored update of ${row.participantId} in round ${roundId} has no receipt`,
        );
      state = this.strategy.add(state, decodeFloat32(row.data, row.data.length / 4), weight);
    }
    return { state, contributors: (sealed?.contributors ?? 0) + rows.length };
  }
}
