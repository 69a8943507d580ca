import { Module, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccumulatorRegistry } from './accumulators/accumulator-registry';
import { EncryptedAccumulator } from './accumulators/encrypted.accumulator';
import { PlaintextFieldsAccumulator } from './accumulators/plaintext-fields.accumulator';
import { PlaintextFloatAccumulator } from './accumulators/plaintext-float.accumulator';
import { AGGREGATION_STRATEGY } from './aggregation-tokens';
import { AggregationService } from './aggregation.service';
import { fedAvgStrategy } from './fedavg';
import { RoundAccumulator } from './round-accumulator.entity';
import { UpdateReceipt } from './update-receipt.entity';

/** The aggregation feature's providers, also what service specs need to build it on their own database. */
export const AGGREGATION_PROVIDERS: Provider[] = [
  // The plaintext rule is a choice made here; override the token to run another strategy.
  { provide: AGGREGATION_STRATEGY, useValue: fedAvgStrategy },
  PlaintextFloatAccumulator,
  PlaintextFieldsAccumulator,
  EncryptedAccumulator,
  AccumulatorRegistry,
  AggregationService,
];

@Module({
  imports: [TypeOrmModule.forFeature([UpdateReceipt, RoundAccumulator])],
  providers: AGGREGATION_PROVIDERS,
  exports: [AggregationService],
})
export class AggregationModule {}
