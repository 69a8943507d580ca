import { DataSource } from 'typeorm';
import { ApiToken } from '../access/api-token.entity';
import { mintApiToken, type IssuedToken } from '../access/api-tokens.service';
import type { Role } from '../http/roles';
import { appendAuditEvent } from '../audit/audit-append';
import { dataSourceOptions } from '../database/data-source-options';

export interface InitResult {
  migrationsRun: string[];
  token: IssuedToken | null;
  existingTokens: number;
}

/**
 * Prepares a coordinator database: runs pending migrations and, on a database with
 * no API tokens yet (or when asked), issues a bootstrap token. Idempotent otherwise.
 */
export async function initDatabase(
  databaseUrl: string,
  opts: { tokenName?: string; roles?: Role[]; forceNewToken?: boolean; now?: number } = {},
): Promise<InitResult> {
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl), migrationsRun: false });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    const existingTokens = await ds.getRepository(ApiToken).count();
    if (existingTokens > 0 && !opts.forceNewToken)
      return { migrationsRun: ran.map((m) => m.name), token: null, existingTokens };
    const now = opts.now ?? Date.now();
    const { row, issued } = mintApiToken(
      { name: opts.tokenName ?? 'bootstrap-admin', roles: opts.roles ?? ['admin'] },
      'init',
      now,
    );
    await ds.transaction(async (em) => {
      await em.getRepository(ApiToken).insert(row);
      await appendAuditEvent(em, now, {
        actor: 'init',
        action: 'token.created',
        subject: row.id,
        detail: { name: row.name, roles: issued.roles, bootstrap: true },
      });
    });
    return { migrationsRun: ran.map((m) => m.name), token: issued, existingTokens };
  } finally {
    await ds.destroy();
  }
}
