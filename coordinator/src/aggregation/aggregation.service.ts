import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AggregationMode, ContributionKind } from '@syndicate/protocol';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { KeyedMutex } from '../common/keyed-mutex';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { AccumulatorRegistry } from './accumulators/accumulator-registry';
import type {
  AggregateSum,
  Contribution,
  ContributionAccumulator,
  SumShape,
} from './accumulators/contribution-accumulator';
import { assertFirstContribution, saveReceipt, type ContributionProof } from './receipts';
import { UpdateReceipt } from './update-receipt.entity';

export type UpdateKind = ContributionKind;

/**
 * The round's running sums: which accumulator takes a contribution, the receipt
 * that proves it counted once, and the per-round mutex that closing a round holds.
 * The caller owns the transaction; nothing here reaches back into rounds or audit.
 */
@Injectable()
export class AggregationService {
  private readonly mutex = new KeyedMutex();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly accumulators: AccumulatorRegistry,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  accumulatorFor(mode: AggregationMode, kind: ContributionKind): ContributionAccumulator {
    return this.accumulators.for(mode, kind);
  }

  /**
   * Inside the caller's transaction: refuses a second contribution of the kind,
   * folds this one into its sum and writes its receipt, so both commit together.
   */
  async fold<D>(
    em: EntityManager,
    accumulator: ContributionAccumulator<D>,
    c: Contribution,
    decoded: D,
    proof: ContributionProof,
  ): Promise<UpdateReceipt> {
    await assertFirstContribution(em, c);
    const contributors = await accumulator.add(em, c, decoded);
    const receipt = await saveReceipt(em, c, proof, this.clock.now());
    this.log.info(
      { roundId: c.roundId, participantId: c.participantId, kind: c.kind, contributors, accumulator: accumulator.name },
      'contribution accepted',
    );
    return receipt;
  }

  /** The round's sum of one kind as members download it; null when nothing was accepted. */
  sum(mode: AggregationMode, roundId: string, kind: ContributionKind, shape: SumShape): Promise<AggregateSum | null> {
    const accumulator = this.accumulators.for(mode, kind);
    return this.mutex.run(roundId, () => this.db.transaction((em) => accumulator.sum(em, roundId, kind, shape)));
  }

  /** The sum as it stands, for a caller already inside exclusive() (closing a phase): taking the mutex again would wait forever. */
  sumHeld(
    mode: AggregationMode,
    roundId: string,
    kind: ContributionKind,
    shape: SumShape,
  ): Promise<AggregateSum | null> {
    const accumulator = this.accumulators.for(mode, kind);
    return this.db.transaction((em) => accumulator.sum(em, roundId, kind, shape));
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
  result(roundId: string, em: EntityManager): Promise<{ weights: Float32Array; contributors: number } | null> {
    return this.accumulators.plaintextFloat.result(em, roundId);
  }
}
