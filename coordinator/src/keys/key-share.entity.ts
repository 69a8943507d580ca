import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BINARY_COLUMN } from '../common/column-types';

/** The epoch key sealed (nacl.box) to one member's X25519 key: opaque to the coordinator. */
@Entity('key_shares')
export class KeyShare {
  @PrimaryColumn('varchar', { length: 64 })
  federationId!: string;

  @PrimaryColumn('integer')
  epoch!: number;

  @PrimaryColumn('varchar', { length: 64 })
  participantId!: string;

  @Column(BINARY_COLUMN)
  nonce!: Buffer;

  @Column(BINARY_COLUMN)
  sealedKey!: Buffer;
}
