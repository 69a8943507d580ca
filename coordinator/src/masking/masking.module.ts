import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MaskMessage } from './mask-message.entity';
import { MaskSessionRecord } from './mask-session.entity';
import { MaskingService } from './masking.service';

@Module({
  imports: [TypeOrmModule.forFeature([MaskSessionRecord, MaskMessage])],
  providers: [MaskingService],
  exports: [MaskingService],
})
export class MaskingModule {}
