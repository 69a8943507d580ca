import { Injectable } from '@nestjs/common';
import { EncryptedSum, heRuntime, type ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { AcceptedCiphertext } from '../accepted-ciphertext.entity';
import { RoundAccumulator } from '../round-accumulator.entity';
import type { AggregateSum, Contribution, ContributionAccumulator, SumShape } from './contribution-accumulator';
import { asUpdateError } from './payload-errors';

/**
 * BFV ciphertexts added into a running encrypted sum without any key. Each
 * accepted ciphertext is stored with its receipt, so the in-memory SEAL sum is
 * rebuilt from what committed after a restart or a failed transaction.
 */
@Injectable()
export class EncryptedAccumulator implements ContributionAccumulator<Buffer> {
  readonly name = 'encrypted';
  readonly roundLock = 'share';
  /** Running encrypted sums of open rounds, loaded in SEAL. */
  private readonly sums = new Map<string, EncryptedSum>();
  /** Sums holding a ciphertext whose transaction has not committed yet. */
  private readonly uncommitted = new Set<string>();

  decode(c: Contribution): Buffer {
    return c.payload;
  }

  async add(em: EntityManager, c: Contribution, payload: Buffer): Promise<number> {
    const sum = await this.loadedSum(em, c.roundId, c.kind, c);
    try {
      sum.add(payload);
    } catch (err) {
      throw asUpdateError(err);
    }
    this.uncommitted.add(key(c.roundId, c.kind));
    await em
      .getRepository(AcceptedCiphertext)
      .insert({ roundId: c.roundId, kind: c.kind, participantId: c.participantId, data: payload });
    return sum.contributors;
  }

  settle(roundId: string, kind: ContributionKind, committed: boolean): void {
    // The in-memory sum took an update the database did not: rebuild it from what committed.
    if (this.uncommitted.delete(key(roundId, kind)) && !committed) this.drop(roundId, kind);
  }

  /**
   * The round's final encrypted sum of one kind. Serialised once, when first
   * asked for after its phase closed, then the individual ciphertexts are dropped.
   */
  async sum(em: EntityManager, roundId: string, kind: ContributionKind, shape: SumShape): Promise<AggregateSum | null> {
    const accumulators = em.getRepository(RoundAccumulator);
    const stored = await accumulators.findOne({ where: { roundId, kind } });
    if (stored) return { data: Buffer.from(stored.data), contributors: stored.contributors };
    let sum = await this.loadedSum(em, roundId, kind, shape);
    // Another coordinator replica may have accepted contributions this one never saw.
    if (sum.contributors !== (await em.getRepository(AcceptedCiphertext).count({ where: { roundId, kind } }))) {
      this.drop(roundId, kind);
      sum = await this.loadedSum(em, roundId, kind, shape);
    }
    if (sum.contributors === 0) return null;
    const data = sum.serialize();
    await accumulators.save(
      accumulators.create({ roundId, kind, contributors: sum.contributors, totalWeight: 0, data }),
    );
    await em.getRepository(AcceptedCiphertext).delete({ roundId, kind });
    this.drop(roundId, kind);
    return { data, contributors: sum.contributors };
  }

  private async loadedSum(
    em: EntityManager,
    roundId: string,
    kind: ContributionKind,
    shape: SumShape,
  ): Promise<EncryptedSum> {
    let sum = this.sums.get(key(roundId, kind));
    if (!sum) {
      sum = new EncryptedSum(await heRuntime(shape.parameterSet), {
        keyEpoch: shape.keyEpoch,
        valueCount: shape.valueCount,
      });
      const accepted = await em
        .getRepository(AcceptedCiphertext)
        .find({ where: { roundId, kind }, order: { participantId: 'ASC' } });
      for (const a of accepted) sum.add(Buffer.from(a.data));
      this.sums.set(key(roundId, kind), sum);
    }
    return sum;
  }

  private drop(roundId: string, kind: ContributionKind): void {
    this.sums.get(key(roundId, kind))?.dispose();
    this.sums.delete(key(roundId, kind));
  }
}

const key = (roundId: string, kind: ContributionKind) => `${roundId}:${kind}`;
