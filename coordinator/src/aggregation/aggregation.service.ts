import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { decodeFloat32, WireFormatError } from '@syndicate/protocol';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { KeyedMutex } from '../common/keyed-mutex';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { Round } from '../rounds/round.entity';
import { fedAvgStrategy } from './fedavg';
import { RoundAccumulator } from './round-accumulator.entity';
import { UpdateReceipt } from './update-receipt.entity';

export interface IncomingUpdate {
  roundId: string;
  participantId: string;
  numParams: number;
  numSamples: number;
  payload: Buffer;
  payloadSha256: string;
  signature: string;
}

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
      if (err instanceof WireFormatError) throw new SyndicateError('INVALID_ARGUMENT', `UPDATE_${err.code}`, err.message);
      throw err;
    }
    if (!Number.isSafeInteger(u.numSamples) || u.numSamples < 1) {
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_SAMPLE_COUNT', `num_samples must be a positive integer, got ${u.numSamples}`);
    }
    return this.mutex.run(u.roundId, () =>
      this.db.transaction(async (em) => {
        const round = await em.getRepository(Round).findOne({ where: { id: u.roundId } });
        if (!round || round.state !== 'collecting') {
          throw new SyndicateError('FAILED_PRECONDITION', 'ROUND_NOT_COLLECTING', `round ${u.roundId} is ${round?.state ?? 'unknown'} and no longer accepts updates`);
        }
        const receipts = em.getRepository(UpdateReceipt);
        if (await receipts.findOne({ where: { roundId: u.roundId, participantId: u.participantId } })) {
          throw new SyndicateError('ALREADY_EXISTS', 'DUPLICATE_UPDATE', `participant ${u.participantId} already contributed to round ${u.roundId}`);
        }
        const accumulators = em.getRepository(RoundAccumulator);
        const stored = await accumulators.findOne({ where: { roundId: u.roundId } });
        const state = stored ? this.strategy.deserialize(stored) : this.strategy.init(u.numParams);
        const next = this.strategy.serialize(this.strategy.add(state, update, u.numSamples));
        await accumulators.save(accumulators.create({ roundId: u.roundId, ...next }));
        const receipt = receipts.create({
          id: newId('rcp'),
          roundId: u.roundId,
          participantId: u.participantId,
          payloadSha256: u.payloadSha256,
          signature: u.signature,
          numSamples: u.numSamples,
          payloadBytes: String(u.payload.length),
          acceptedAt: this.clock.now(),
        });
        await receipts.save(receipt);
        this.log.info({ roundId: u.roundId, participantId: u.participantId, contributors: next.contributors }, 'update accepted');
        return receipt;
      }),
    );
  }

  /** Runs `work` while no update for the round can commit (e.g. closing the round). */
  exclusive<T>(roundId: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(roundId, work);
  }

  async contributors(roundId: string, em?: EntityManager): Promise<UpdateReceipt[]> {
    return (em ?? this.db.manager).getRepository(UpdateReceipt).find({ where: { roundId }, order: { acceptedAt: 'ASC' } });
  }

  /** The aggregate of everything accepted so far; null when nothing was. */
  async result(roundId: string, em: EntityManager): Promise<{ weights: Float32Array; contributors: number } | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId } });
    if (!stored || stored.contributors === 0) return null;
    return { weights: this.strategy.finalize(this.strategy.deserialize(stored)), contributors: stored.contributors };
  }
}
