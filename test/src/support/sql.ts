import { Client } from 'pg';

/** Runs SQL on the harness's database directly, as someone with database access would. */
export async function sqlRows<T = Record<string, unknown>>(databaseUrl: string, statement: string): Promise<T[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: PostgreSQL runs need no SQLite
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    try {
      const st = db.prepare(statement);
      return st.reader ? (st.all() as T[]) : (st.run(), []);
    } finally {
      db.close();
    }
  }
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(statement)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Makes every audit insert fail (as a full disk or a revoked grant would), or lets them through again. */
export async function setAuditInserts(databaseUrl: string, state: 'failing' | 'working'): Promise<void> {
  const sqlite = databaseUrl.startsWith('sqlite:');
  if (state === 'working')
    await sqlRows(databaseUrl, 'DROP TRIGGER IF EXISTS audit_off' + (sqlite ? '' : ' ON audit_events'));
  else if (sqlite)
    await sqlRows(
      databaseUrl,
      "CREATE TRIGGER audit_off BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit disabled by test'); END",
    );
  else {
    await sqlRows(
      databaseUrl,
      "CREATE OR REPLACE FUNCTION audit_off() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit disabled by test'; END $$ LANGUAGE plpgsql",
    );
    await sqlRows(
      databaseUrl,
      'CREATE TRIGGER audit_off BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_off()',
    );
  }
}

export const countRows = async (databaseUrl: string, table: string): Promise<number> =>
  Number((await sqlRows<{ n: number | string }>(databaseUrl, `SELECT COUNT(*) AS n FROM ${table}`))[0].n);
