import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AggregationService } from './aggregation.service';
import { RoundAccumulator } from './round-accumulator.entity';
import { UpdateReceipt } from './update-receipt.entity';

@Module({
  imports: [TypeOrmModule.forFeature([UpdateReceipt, RoundAccumulator])],
  providers: [AggregationService],
  exports: [AggregationService],
})
export class AggregationModule {}
