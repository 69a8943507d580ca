import type { DataSourceOptions } from 'typeorm';
import { preparePrivateDatabaseFile } from '../common/private-file';
import { MIGRATIONS } from '../migrations';
import { useBinaryColumnsFor } from '../common/column-types';
import { ENTITIES } from './entities';

/**
 * Options for a database URL. Schema changes only ever come from migrations,
 * which run at start-up; `synchronize` stays off outside tests.
 */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  } as const;
  if (databaseUrl.startsWith('sqlite:')) {
    useBinaryColumnsFor('better-sqlite3');
    const file = databaseUrl.slice('sqlite:'.length);
    // The database holds every ciphertext, key share and audit entry: nobody else on the host reads it.
    if (file !== ':memory:') preparePrivateDatabaseFile(file);
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      // WAL lets readers (REST) proceed while an update commits; FULL sync makes an
      // accepted update durable before the agent hears so.
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  useBinaryColumnsFor('postgres');
  return { ...common, type: 'postgres', url: databaseUrl };
}
