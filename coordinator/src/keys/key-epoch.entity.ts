import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BINARY_COLUMN, epochMs } from '../common/column-types';

export type KeyEpochState = 'dealing' | 'ready' | 'abandoned';

/**
 * One generation of the federation's HE key. The coordinator records who dealt
 * it and to whom, never the key itself.
 */
@Entity('key_epochs')
export class KeyEpoch {
  @PrimaryColumn('varchar', { length: 64 })
  federationId!: string;

  @PrimaryColumn('integer')
  epoch!: number;

  @Column('varchar', { length: 64 })
  parameterSet!: string;

  @Column('varchar', { length: 64 })
  dealerId!: string;

  /** Participant ids the key is sealed to, as a JSON array. */
  @Column('text')
  memberIds!: string;

  @Column('varchar', { length: 16 })
  state!: KeyEpochState;

  /** Under members-only: the current model, re-sealed by the dealer for this epoch. */
  @Column('varchar', { length: 64, nullable: true })
  resealedModelVersionId!: string | null;

  /** The SEAL secret key wrapped under the epoch secret: opaque without a member's share. */
  @Column({ ...BINARY_COLUMN, nullable: true })
  wrappedKey!: Buffer | null;

  @Column('bigint', { transformer: epochMs })
  startedAt!: number;

  @Column('bigint', { transformer: epochMs, nullable: true })
  readyAt!: number | null;

  /** The dealer's signed manifest (members, keys, wrapped-key hash), JSON with base64 bytes; members check it. */
  @Column('text', { nullable: true })
  manifestJson!: string | null;

  @Column('varchar', { length: 128, nullable: true })
  manifestSignature!: string | null;

  /** Members the coordinator named that the dealer did not trust, as a JSON array of ids. */
  @Column('text', { default: '[]' })
  excludedJson!: string;
}
