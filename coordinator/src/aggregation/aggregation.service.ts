import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  decodeFloat32,
  decodeFloat64,
  encodeFloat64,
  EncryptedSum,
  heRuntime,
  WireFormatError,
  type ContributionKind,
  type ReasonCode,
  type SecureAggregationSpec,
} from '@syndicate/protocol';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { KeyedMutex } from '../common/keyed-mutex';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { Round } from '../rounds/round.entity';
import { fedAvgStrategy } from './fedavg';
import { AcceptedCiphertext } from './accepted-ciphertext.entity';
import { RoundAccumulator } from './round-accumulator.entity';
import { UpdateReceipt } from './update-receipt.entity';

export type UpdateKind = ContributionKind;

export interface IncomingUpdate {
  kind?: UpdateKind;
  roundId: string;
  participantId: string;
  numParams: number;
  numSamples: number;
  payload: Buffer;
  payloadSha256: string;
  signature: string;
  /** Runs in the receipt's transaction (the audit entry): it commits exactly when the contribution does. */
  recorded?: (em: EntityManager, receipt: UpdateReceipt) => Promise<void>;
}

/**
 * The round row, locked on PostgreSQL until the contribution commits. Other
 * replicas accept contributions too: the leader's state change (an UPDATE) waits
 * for every contribution that saw the old state, and none can commit after it, so
 * nothing acknowledged is ever missing from the closed sum. `exclusive` also
 * serialises contributions that read-modify-write one plaintext accumulator row.
 */
export function lockedRound(
  em: EntityManager,
  roundId: string,
  mode: 'share' | 'exclusive' = 'share',
): Promise<Round | null> {
  if (em.connection.options.type !== 'postgres') return em.getRepository(Round).findOne({ where: { id: roundId } });
  return em
    .getRepository(Round)
    .findOne({ where: { id: roundId }, lock: { mode: mode === 'share' ? 'pessimistic_read' : 'pessimistic_write' } });
}

export interface EncryptedContribution {
  kind: UpdateKind;
  keyEpoch: number;
  valueCount: number;
  spec: SecureAggregationSpec;
  /** Throws unless the phase takes this kind now; by default the round must be counting (counts) or collecting (updates). */
  accepting?: (em: EntityManager) => Promise<void>;
  allowed: (participantId: string, em: EntityManager) => Promise<void>;
}

const DUPLICATE_REASON: Record<UpdateKind, ReasonCode> = {
  model: 'DUPLICATE_UPDATE',
  count: 'DUPLICATE_COUNT',
  evaluation: 'DUPLICATE_EVALUATION',
  stats: 'DUPLICATE_STATS',
};

@Injectable()
export class AggregationService {
  private readonly mutex = new KeyedMutex();
  readonly strategy = fedAvgStrategy;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Folds one verified update into the round's running sum. The sum and the receipt
   * commit together, so an acknowledged update survives a crash and is never counted twice.
   */
  async accept(u: IncomingUpdate): Promise<UpdateReceipt> {
    let update: Float32Array;
    try {
      update = decodeFloat32(u.payload, u.numParams);
    } catch (err) {
      if (err instanceof WireFormatError)
        throw new SyndicateError('INVALID_ARGUMENT', `UPDATE_${err.code}`, err.message);
      throw err;
    }
    if (!Number.isSafeInteger(u.numSamples) || u.numSamples < 1) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_SAMPLE_COUNT',
        `num_samples must be a positive integer, got ${u.numSamples}`,
      );
    }
    return this.mutex.run(u.roundId, () =>
      this.db.transaction(async (em) => {
        await this.admit({ ...u, kind: 'model' }, em, 'exclusive');
        const accumulators = em.getRepository(RoundAccumulator);
        const stored = await accumulators.findOne({ where: { roundId: u.roundId, kind: 'model' } });
        const state = stored ? this.strategy.deserialize(stored) : this.strategy.init(u.numParams);
        const next = this.strategy.serialize(this.strategy.add(state, update, u.numSamples));
        await accumulators.save(accumulators.create({ roundId: u.roundId, kind: 'model', ...next }));
        const receipt = await this.receipt({ ...u, kind: 'model' }, em);
        await u.recorded?.(em, receipt);
        this.log.info(
          { roundId: u.roundId, participantId: u.participantId, contributors: next.contributors },
          'update accepted',
        );
        return receipt;
      }),
    );
  }

  /** Running encrypted sums of open rounds, loaded in SEAL; rebuilt from accepted ciphertexts when missing. */
  private readonly sums = new Map<string, EncryptedSum>();

  private async loadedSum(
    roundId: string,
    kind: UpdateKind,
    expected: { keyEpoch: number; valueCount: number; parameterSet: string },
    em: EntityManager,
  ): Promise<EncryptedSum> {
    const key = `${roundId}:${kind}`;
    let sum = this.sums.get(key);
    if (!sum) {
      sum = new EncryptedSum(await heRuntime(expected.parameterSet), {
        keyEpoch: expected.keyEpoch,
        valueCount: expected.valueCount,
      });
      const accepted = await em
        .getRepository(AcceptedCiphertext)
        .find({ where: { roundId, kind }, order: { participantId: 'ASC' } });
      for (const a of accepted) sum.add(Buffer.from(a.data));
      this.sums.set(key, sum);
    }
    return sum;
  }

  private dropSum(roundId: string, kind: UpdateKind): void {
    this.sums.get(`${roundId}:${kind}`)?.dispose();
    this.sums.delete(`${roundId}:${kind}`);
  }

  /**
   * Adds one encrypted update (or sample count) into the round's encrypted sum
   * without any key. The ciphertext and its receipt commit together before the
   * member hears "accepted"; a payload that fails any check changes nothing.
   */
  async acceptEncrypted(u: IncomingUpdate & EncryptedContribution): Promise<UpdateReceipt> {
    return this.mutex.run(u.roundId, async () => {
      let added = false;
      try {
        return await this.db.transaction(async (em) => {
          await this.admit(u, em);
          const sum = await this.loadedSum(
            u.roundId,
            u.kind,
            { keyEpoch: u.keyEpoch, valueCount: u.valueCount, parameterSet: u.spec.parameterSet },
            em,
          );
          try {
            sum.add(u.payload);
            added = true;
          } catch (err) {
            if (err instanceof WireFormatError)
              throw new SyndicateError('INVALID_ARGUMENT', `UPDATE_${err.code}`, err.message);
            throw err;
          }
          await em
            .getRepository(AcceptedCiphertext)
            .insert({ roundId: u.roundId, kind: u.kind, participantId: u.participantId, data: u.payload });
          const receipt = await this.receipt(u, em);
          await u.recorded?.(em, receipt);
          this.log.info(
            { roundId: u.roundId, participantId: u.participantId, kind: u.kind, contributors: sum.contributors },
            'encrypted contribution accepted',
          );
          return receipt;
        });
      } catch (err) {
        // The in-memory sum took an update the database did not: rebuild it from what committed.
        if (added) this.dropSum(u.roundId, u.kind);
        throw err;
      }
    });
  }

  /**
   * The round's final encrypted sum of one kind. Serialised once, when first
   * asked for after its phase closed, then the individual ciphertexts are dropped.
   */
  async encryptedSum(
    roundId: string,
    kind: UpdateKind,
    expected: { keyEpoch: number; valueCount: number; parameterSet: string },
  ): Promise<{ data: Buffer; contributors: number } | null> {
    return this.mutex.run(roundId, () =>
      this.db.transaction(async (em) => {
        const accumulators = em.getRepository(RoundAccumulator);
        const stored = await accumulators.findOne({ where: { roundId, kind } });
        if (stored) return { data: Buffer.from(stored.data), contributors: stored.contributors };
        let sum = await this.loadedSum(roundId, kind, expected, em);
        // Another coordinator replica may have accepted contributions this one never saw.
        if (sum.contributors !== (await em.getRepository(AcceptedCiphertext).count({ where: { roundId, kind } }))) {
          this.dropSum(roundId, kind);
          sum = await this.loadedSum(roundId, kind, expected, em);
        }
        if (sum.contributors === 0) return null;
        const data = sum.serialize();
        await accumulators.save(
          accumulators.create({ roundId, kind, contributors: sum.contributors, totalWeight: 0, data }),
        );
        await em.getRepository(AcceptedCiphertext).delete({ roundId, kind });
        this.dropSum(roundId, kind);
        return { data, contributors: sum.contributors };
      }),
    );
  }

  /**
   * The checks every contribution passes inside its transaction: the phase takes
   * it, the member may send it, once. `roundLock` exclusive is for contributions
   * that read-modify-write a plaintext accumulator row.
   */
  private async admit(
    u: {
      roundId: string;
      participantId: string;
      kind: UpdateKind;
      accepting?: (em: EntityManager) => Promise<void>;
      allowed?: (participantId: string, em: EntityManager) => Promise<void>;
    },
    em: EntityManager,
    roundLock: 'share' | 'exclusive' = 'share',
  ): Promise<void> {
    if (u.accepting) {
      await u.accepting(em);
      if (roundLock === 'exclusive') await lockedRound(em, u.roundId, 'exclusive');
    } else {
      const counting = u.kind === 'count' || u.kind === 'stats';
      const round = await lockedRound(em, u.roundId, roundLock);
      if (!round || round.state !== (counting ? 'counting' : 'collecting')) {
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          counting ? 'ROUND_NOT_COUNTING' : 'ROUND_NOT_COLLECTING',
          `round ${u.roundId} is ${round?.state ?? 'unknown'}; it does not accept ${counting ? 'sample counts or feature statistics' : 'updates'} now`,
        );
      }
    }
    await u.allowed?.(u.participantId, em);
    if (
      await em
        .getRepository(UpdateReceipt)
        .findOne({ where: { roundId: u.roundId, participantId: u.participantId, kind: u.kind } })
    ) {
      throw new SyndicateError(
        'ALREADY_EXISTS',
        DUPLICATE_REASON[u.kind],
        `participant ${u.participantId} already sent its ${u.kind} for round ${u.roundId}`,
      );
    }
  }

  private receipt(u: IncomingUpdate & { kind: UpdateKind }, em: EntityManager): Promise<UpdateReceipt> {
    const receipts = em.getRepository(UpdateReceipt);
    return receipts.save(
      receipts.create({
        id: newId('rcp'),
        roundId: u.roundId,
        participantId: u.participantId,
        payloadSha256: u.payloadSha256,
        signature: u.signature,
        numSamples: u.numSamples,
        payloadBytes: String(u.payload.length),
        acceptedAt: this.clock.now(),
        kind: u.kind,
      }),
    );
  }

  /**
   * Plaintext mode's integer contributions (evaluation histograms): exact float64
   * sums, committed with the receipt like every other contribution.
   */
  async acceptFields(
    u: IncomingUpdate & {
      kind: UpdateKind;
      valueCount: number;
      accepting?: (em: EntityManager) => Promise<void>;
      allowed: (participantId: string, em: EntityManager) => Promise<void>;
    },
  ): Promise<UpdateReceipt> {
    if (u.payload.length !== u.valueCount * 4) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'SHAPE_MISMATCH',
        `contribution has ${u.payload.length} bytes, expected ${u.valueCount} uint32 fields (${u.valueCount * 4} bytes)`,
      );
    }
    const fields = new Uint32Array(u.valueCount);
    for (let i = 0; i < u.valueCount; i++) fields[i] = u.payload.readUInt32LE(i * 4);
    return this.mutex.run(u.roundId, () =>
      this.db.transaction(async (em) => {
        // One accumulator row per round and kind, updated by any replica: one writer at a time.
        await this.admit(u, em, 'exclusive');
        const accumulators = em.getRepository(RoundAccumulator);
        const stored = await accumulators.findOne({ where: { roundId: u.roundId, kind: u.kind } });
        const sums = stored ? decodeFloat64(stored.data) : new Float64Array(u.valueCount);
        if (sums.length !== u.valueCount)
          throw new SyndicateError(
            'INTERNAL',
            'ACCUMULATOR_SHAPE',
            `stored ${u.kind} sum of round ${u.roundId} has ${sums.length} fields, expected ${u.valueCount}`,
          );
        for (let i = 0; i < fields.length; i++) sums[i] += fields[i];
        const contributors = (stored?.contributors ?? 0) + 1;
        await accumulators.save(
          accumulators.create({
            roundId: u.roundId,
            kind: u.kind,
            contributors,
            totalWeight: 0,
            data: encodeFloat64(sums),
          }),
        );
        const receipt = await this.receipt(u, em);
        await u.recorded?.(em, receipt);
        this.log.info(
          { roundId: u.roundId, participantId: u.participantId, kind: u.kind, contributors },
          'contribution accepted',
        );
        return receipt;
      }),
    );
  }

  /** Plaintext mode: the exact float64 field sums of one kind, or null when nothing was accepted. */
  async plainSum(roundId: string, kind: UpdateKind): Promise<{ data: Buffer; contributors: number } | null> {
    const stored = await this.db.getRepository(RoundAccumulator).findOne({ where: { roundId, kind } });
    return stored && stored.contributors > 0
      ? { data: Buffer.from(stored.data), contributors: stored.contributors }
      : null;
  }

  /** Runs `work` while no update for the round can commit (e.g. closing the round). */
  exclusive<T>(roundId: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(roundId, work);
  }

  async contributors(roundId: string, em?: EntityManager, kind: UpdateKind = 'model'): Promise<UpdateReceipt[]> {
    return (em ?? this.db.manager)
      .getRepository(UpdateReceipt)
      .find({ where: { roundId, kind }, order: { acceptedAt: 'ASC' } });
  }

  /** The aggregate of everything accepted so far; null when nothing was. */
  async result(roundId: string, em: EntityManager): Promise<{ weights: Float32Array; contributors: number } | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    if (!stored || stored.contributors === 0) return null;
    return { weights: this.strategy.finalize(this.strategy.deserialize(stored)), contributors: stored.contributors };
  }
}
