import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** Nonces seen inside the freshness window; the primary key makes a replay fail atomically. */
@Entity('used_nonces')
export class UsedNonce {
  @PrimaryColumn('varchar', { length: 32 })
  nonce!: string;

  @PrimaryColumn('varchar', { length: 64 })
  participantId!: string;

  @Column('bigint', { transformer: epochMs })
  seenAt!: number;
}
