import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** advert: from's signed keys; shares: from's shares sealed to `to`; signature: from's survivor signature; reveal: from's share of `to`'s secret. */
export type MaskMessageType = 'advert' | 'shares' | 'signature' | 'reveal';

/**
 * Every message of the masking protocol, one row each. The key (session, type, sender, recipient or
 * peer) makes a second, different message for the same slot impossible: a member cannot advertise
 * twice, sign two sets, or reveal two kinds of share of one peer through the coordinator.
 */
@Entity('mask_messages')
@Index('IDX_mask_messages_session_type', ['sessionId', 'type'])
export class MaskMessage {
  @PrimaryColumn('varchar', { length: 256 })
  id!: string;

  @Column('varchar', { length: 96 })
  sessionId!: string;

  @Column('varchar', { length: 16 })
  type!: MaskMessageType;

  @Column('varchar', { length: 64 })
  fromId!: string;

  /** Recipient (shares) or peer (reveal); empty otherwise. */
  @Column('varchar', { length: 64, default: '' })
  toId!: string;

  /** JSON; byte fields base64. */
  @Column('text')
  body!: string;
}
