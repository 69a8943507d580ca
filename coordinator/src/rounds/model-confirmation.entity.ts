import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/column-types';

/** A member's signed statement of the SHA-256 of the model it computed from a round's sum: kept as evidence. */
@Entity('model_confirmations')
export class ModelConfirmationRecord {
  @PrimaryColumn('varchar', { length: 64 })
  roundId!: string;

  @PrimaryColumn('varchar', { length: 64 })
  participantId!: string;

  @Column('varchar', { length: 64 })
  modelSha256!: string;

  /** Ed25519 over the statement (proto/src/trust/model-confirmation.ts), hex. */
  @Column('varchar', { length: 128 })
  signature!: string;

  @Column('bigint', { transformer: epochMs })
  createdAt!: number;
}
