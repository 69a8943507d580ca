import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { addEncrypted, decodeFloat32, heRuntime, WireFormatError, type SecureAggregationSpec } from '@syndicate/protocol';
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

export type UpdateKind = 'model' | 'count';

export interface IncomingUpdate {
  kind?: UpdateKind;
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
        if (await receipts.findOne({ where: { roundId: u.roundId, participantId: u.participantId, kind: 'model' } })) {
          throw new SyndicateError('ALREADY_EXISTS', 'DUPLICATE_UPDATE', `participant ${u.participantId} already contributed to round ${u.roundId}`);
        }
        const accumulators = em.getRepository(RoundAccumulator);
        const stored = await accumulators.findOne({ where: { roundId: u.roundId, kind: 'model' } });
        const state = stored ? this.strategy.deserialize(stored) : this.strategy.init(u.numParams);
        const next = this.strategy.serialize(this.strategy.add(state, update, u.numSamples));
        await accumulators.save(accumulators.create({ roundId: u.roundId, kind: 'model', ...next }));
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

  /**
   * Adds one encrypted update (or sample count) into the round's encrypted sum
   * without any key. The sum, its contributor count and the receipt commit
   * together; a payload that fails any check leaves all three unchanged.
   */
  async acceptEncrypted(u: IncomingUpdate & { kind: UpdateKind; keyEpoch: number; valueCount: number; spec: SecureAggregationSpec; allowed: (participantId: string, em: EntityManager) => Promise<void> }): Promise<UpdateReceipt> {
    const rt = await heRuntime(u.spec.parameterSet);
    const wantState = u.kind === 'count' ? 'counting' : 'collecting';
    return this.mutex.run(u.roundId, () =>
      this.db.transaction(async (em) => {
        const round = await em.getRepository(Round).findOne({ where: { id: u.roundId } });
        if (!round || round.state !== wantState) {
          throw new SyndicateError('FAILED_PRECONDITION', u.kind === 'count' ? 'ROUND_NOT_COUNTING' : 'ROUND_NOT_COLLECTING', `round ${u.roundId} is ${round?.state ?? 'unknown'}; it does not accept ${u.kind === 'count' ? 'sample counts' : 'updates'} now`);
        }
        await u.allowed(u.participantId, em);
        const receipts = em.getRepository(UpdateReceipt);
        if (await receipts.findOne({ where: { roundId: u.roundId, participantId: u.participantId, kind: u.kind } })) {
          throw new SyndicateError('ALREADY_EXISTS', u.kind === 'count' ? 'DUPLICATE_COUNT' : 'DUPLICATE_UPDATE', `participant ${u.participantId} already sent its ${u.kind} for round ${u.roundId}`);
        }
        const accumulators = em.getRepository(RoundAccumulator);
        const stored = await accumulators.findOne({ where: { roundId: u.roundId, kind: u.kind } });
        let sum: Buffer;
        try {
          sum = addEncrypted(rt, stored ? Buffer.from(stored.data) : null, u.payload, { keyEpoch: u.keyEpoch, valueCount: u.valueCount });
        } catch (err) {
          if (err instanceof WireFormatError) throw new SyndicateError('INVALID_ARGUMENT', `UPDATE_${err.code}`, err.message);
          throw err;
        }
        const contributors = (stored?.contributors ?? 0) + 1;
        await accumulators.save(accumulators.create({ roundId: u.roundId, kind: u.kind, contributors, totalWeight: 0, data: sum }));
        const receipt = await receipts.save(
          receipts.create({
            id: newId('rcp'),
            roundId: u.roundId,
            participantId: u.participantId,
            payloadSha256: u.payloadSha256,
            signature: u.signature,
            numSamples: 0,
            payloadBytes: String(u.payload.length),
            acceptedAt: this.clock.now(),
            kind: u.kind,
          }),
        );
        this.log.info({ roundId: u.roundId, participantId: u.participantId, kind: u.kind, contributors }, 'encrypted contribution accepted');
        return receipt;
      }),
    );
  }

  /** The round's encrypted sum of one kind, with how many members are in it. */
  async encryptedSum(roundId: string, kind: UpdateKind): Promise<{ data: Buffer; contributors: number } | null> {
    const stored = await this.db.getRepository(RoundAccumulator).findOne({ where: { roundId, kind } });
    return stored ? { data: Buffer.from(stored.data), contributors: stored.contributors } : null;
  }

  /** Runs `work` while no update for the round can commit (e.g. closing the round). */
  exclusive<T>(roundId: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(roundId, work);
  }

  async contributors(roundId: string, em?: EntityManager, kind: UpdateKind = 'model'): Promise<UpdateReceipt[]> {
    return (em ?? this.db.manager).getRepository(UpdateReceipt).find({ where: { roundId, kind }, order: { acceptedAt: 'ASC' } });
  }

  /** The aggregate of everything accepted so far; null when nothing was. */
  async result(roundId: string, em: EntityManager): Promise<{ weights: Float32Array; contributors: number } | null> {
    const stored = await em.getRepository(RoundAccumulator).findOne({ where: { roundId, kind: 'model' } });
    if (!stored || stored.contributors === 0) return null;
    return { weights: this.strategy.finalize(this.strategy.deserialize(stored)), contributors: stored.contributors };
  }
}
