import type { ContributionKind } from '@syndicate/protocol';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** Proof that an update was accepted into a round's running sum. */
@Entity('update_receipts')
@Index(['roundId', 'participantId', 'kind'], { unique: true })
export class UpdateReceipt {
  @PrimaryColumn('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 64 })
  roundId!: string;

  @Column('varchar', { length: 64 })
  participantId!: string;

  @Column('varchar', { length: 64 })
  payloadSha256!: string;

  @Column('varchar', { length: 128 })
  signature!: string;

  @Column('integer')
  numSamples!: number;

  @Column('bigint')
  payloadBytes!: string;

  @Column('bigint', { transformer: epochMs })
  acceptedAt!: number;

  /** `model` (an update) or `count` (an encrypted sample count, secure mode). */
  @Column('varchar', { length: 16, default: 'model' })
  kind!: ContributionKind;

  /** Secure mode: the sender's signed ContributionStatement over this payload, hex; members check it before decrypting a sum. */
  @Column('varchar', { length: 128, nullable: true })
  contributionSignature!: string | null;

  /** Secure mode: the ciphertext's linear digest the sender signed, hex (members add these up to check a sum). */
  @Column('varchar', { length: 64, nullable: true })
  contributionDigest!: string | null;
}
