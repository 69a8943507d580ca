import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

/** PostgreSQL when CI sets SYNDICATE_TEST_DATABASE_URL, else a fresh SQLite file. */
export function testDatabaseKind(): 'postgres' | 'sqlite' {
  return process.env.SYNDICATE_TEST_DATABASE_URL ? 'postgres' : 'sqlite';
}

/** A database with nothing in it. On PostgreSQL the public schema is dropped and recreated. */
export async function freshDatabaseUrl(label: string): Promise<string> {
  const pgUrl = process.env.SYNDICATE_TEST_DATABASE_URL;
  if (pgUrl) {
    const client = new Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query('DROP SCHEMA IF EXISTS public CASCADE');
      await client.query('CREATE SCHEMA public');
    } finally {
      await client.end();
    }
    return pgUrl;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `syndicate-${label}-`));
  return `sqlite:${path.join(dir, 'coordinator.sqlite')}`;
}
