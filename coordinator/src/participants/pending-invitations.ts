import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { EnrollmentToken } from './enrollment-token.entity';

export interface PendingInvitation {
  displayName: string;
  expiresAt: number;
  /** First characters of the token's SHA-256, as the audit log records them; the token itself is never kept. */
  tokenSha256Prefix: string;
}

/** Invitations not used yet and not expired: who is still expected to enroll. */
@Injectable()
export class PendingInvitations {
  constructor(
    @InjectRepository(EnrollmentToken) private readonly tokens: Repository<EnrollmentToken>,
    private readonly clock: Clock,
  ) {}

  async list(federationId: string): Promise<PendingInvitation[]> {
    const rows = await this.tokens.find({
      where: { federationId, usedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { expiresAt: 'ASC' },
    });
    return rows.map((t) => ({
      displayName: t.displayName,
      expiresAt: t.expiresAt,
      tokenSha256Prefix: t.tokenSha256.slice(0, 12),
    }));
  }
}
