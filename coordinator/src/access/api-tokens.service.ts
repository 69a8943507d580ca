import { createHash, randomBytes } from 'crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import { AuditService } from '../audit/audit.service';
import { ApiToken } from './api-token.entity';
import type { Principal } from '../http/principal';
import { ROLES, type Role } from '../http/roles';

export const API_TOKEN_PREFIX = 'syn_api_';

export interface IssuedToken {
  id: string;
  name: string;
  roles: Role[];
  /** Shown once; only its hash is stored. */
  token: string;
  expiresAt: number | null;
}

export interface TokenView {
  id: string;
  name: string;
  roles: Role[];
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

// Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

export function parseRoles(csv: string): Role[] {
  return csv.split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

/** A new token and the row that stores its hash; the token itself is never stored. */
export function mintApiToken(
  input: { name: string; roles: Role[]; ttlSeconds?: number },
  createdBy: string,
  now: number,
): { row: ApiToken; issued: IssuedToken } {
  const roles = [...new Set(input.roles)];
  if (!roles.length)
    throw new SyndicateError('INVALID_ARGUMENT', 'NO_ROLES', `a token needs at least one role (${ROLES.join(', ')})`);
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = Object.assign(new ApiToken(), {
    id: newId('tok'),
    name: input.name,
    roles: roles.join(','),
    tokenSha256: sha256Hex(token),
    createdBy,
    createdAt: now,
    expiresAt: input.ttlSeconds ? now + input.ttlSeconds * 1000 : null,
    revokedAt: null,
    lastUsedAt: null,
  });
  return { row, issued: { id: row.id, name: row.name, roles, token, expiresAt: row.expiresAt } };
}

const view = (t: ApiToken): TokenView => ({
  id: t.id,
  name: t.name,
  roles: parseRoles(t.roles),
  createdBy: t.createdBy,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  revokedAt: t.revokedAt,
  lastUsedAt: t.lastUsedAt,
});

@Injectable()
export class ApiTokensService {
  constructor(
    @InjectRepository(ApiToken) private readonly repo: Repository<ApiToken>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(input: { name: string; roles: Role[]; ttlSeconds?: number }, createdBy: string): Promise<IssuedToken> {
    const { row, issued } = mintApiToken(input, createdBy, this.clock.now());
    // One transaction: a token whose creation cannot be audited is never issued.
    await this.repo.manager.transaction(async (em) => {
      await em.getRepository(ApiToken).insert(row);
      await this.audit.recordIn(em, {
        actor: createdBy,
        action: 'token.created',
        subject: row.id,
        detail: { name: row.name, roles: issued.roles },
      });
    });
    return issued;
  }

  async list(): Promise<TokenView[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map(view);
  }

  async count(): Promise<number> {
    return this.repo.count();
  }

  async revoke(id: string, actor: string): Promise<TokenView> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row)
      throw new SyndicateError(
        'NOT_FOUND',
        'TOKEN_NOT_FOUND',
        `API token ${id} does not exist (see: syndicate token list)`,
      );
    if (row.revokedAt === null) {
      const revokedAt = this.clock.now();
      await this.repo.manager.transaction(async (em) => {
        await em.getRepository(ApiToken).update({ id }, { revokedAt });
        await this.audit.recordIn(em, { actor, action: 'token.revoked', subject: id, detail: { name: row.name } });
      });
      row.revokedAt = revokedAt;
    }
    return view(row);
  }

  /** Resolves a bearer token to its principal, or says exactly why not. */
  async authenticate(token: string): Promise<Principal> {
    if (!token.startsWith(API_TOKEN_PREFIX)) {
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'MALFORMED_TOKEN',
        `not a Syndicate API token (they start with ${API_TOKEN_PREFIX})`,
      );
    }
    const row = await this.repo.findOne({ where: { tokenSha256: sha256Hex(token) } });
    if (!row)
      throw new SyndicateError('UNAUTHENTICATED', 'UNKNOWN_TOKEN', 'API token is not known to this coordinator');
    return this.principalOf(row);
  }

  /**
   * The principal of a token a console session was opened with, checked again on every use:
   * revoking or expiring the token ends its sessions at once.
   */
  async authenticateId(id: string): Promise<Principal & { expiresAt: number | null }> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row)
      throw new SyndicateError('UNAUTHENTICATED', 'UNKNOWN_TOKEN', 'API token is not known to this coordinator');
    return { ...(await this.principalOf(row)), expiresAt: row.expiresAt };
  }

  private async principalOf(row: ApiToken): Promise<Principal> {
    const now = this.clock.now();
    if (row.revokedAt !== null)
      throw new SyndicateError('UNAUTHENTICATED', 'TOKEN_REVOKED', `API token ${row.id} (${row.name}) was revoked`);
    if (row.expiresAt !== null && row.expiresAt <= now) {
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'TOKEN_EXPIRED',
        `API token ${row.id} (${row.name}) expired at ${new Date(row.expiresAt).toISOString()}`,
      );
    }
    // Last use at minute granularity: enough to spot stale tokens without a write per request.
    if (row.lastUsedAt === null || now - row.lastUsedAt > 60_000)
      await this.repo.update({ id: row.id }, { lastUsedAt: now });
    return { tokenId: row.id, name: row.name, roles: parseRoles(row.roles) };
  }
}
