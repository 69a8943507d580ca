import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

async function pendingSchemaChanges(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  try {
    await ds.runMigrations();
    const log = await ds.driver.createSchemaBuilder().log();
    return log.upQueries.map((q) => q.query);
  } finally {
    await ds.destroy();
  }
}

/**
 * The migrations alone must produce exactly the schema the entities describe:
 * production never synchronizes, so any drift would be a runtime failure.
 */
describe('migrations', () => {
  it('build the entity schema exactly on SQLite', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-mig-'));
    expect(await pendingSchemaChanges(`sqlite:${path.join(dir, 'db.sqlite')}`)).toEqual([]);
  });

  const pg = process.env.SYNDICATE_TEST_DATABASE_URL;
  (pg ? it : it.skip)('build the entity schema exactly on PostgreSQL', async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: pg });
    await c.connect();
    await c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await c.end();
    expect(await pendingSchemaChanges(pg!)).toEqual([]);
  });
});
