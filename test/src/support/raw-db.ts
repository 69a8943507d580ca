/* eslint-disable @typescript-eslint/no-require-imports -- drivers loaded on demand, as coordinator-snoop does */

type Row = Record<string, unknown>;

/**
 * What an attacker holding the coordinator's database can do: read and rewrite rows directly,
 * behind the coordinator's back. `?` placeholders on both SQLite and PostgreSQL; column names quoted.
 */
export async function rawQuery(databaseUrl: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    try {
      const stmt = db.prepare(sql);
      return stmt.reader ? (stmt.all(...params) as Row[]) : (stmt.run(...params), []);
    } finally {
      db.close();
    }
  }
  const { Client } = require('pg') as typeof import('pg');
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    let i = 0;
    return (
      await c.query(
        sql.replace(/\?/g, () => `$${++i}`),
        params,
      )
    ).rows as Row[];
  } finally {
    await c.end();
  }
}
