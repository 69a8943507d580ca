import type { ContributionKind } from '@syndicate/protocol';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BINARY_COLUMN } from '../common/column-types';

/**
 * An accepted contribution (a ciphertext, or a plaintext round's float32 update),
 * committed with its receipt before the member hears "accepted". The running sum
 * lives in memory and is rebuilt from these after a restart; they are dropped once
 * the round's sum is sealed.
 */
@Entity('accepted_ciphertexts')
export class AcceptedCiphertext {
  @PrimaryColumn('varchar', { length: 64 })
  roundId!: string;

  @PrimaryColumn('varchar', { length: 16 })
  kind!: ContributionKind;

  @PrimaryColumn('varchar', { length: 64 })
  participantId!: string;

  @Column(BINARY_COLUMN)
  data!: Buffer;
}
