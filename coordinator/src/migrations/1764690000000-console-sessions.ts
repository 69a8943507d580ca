import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Web console sessions (cookie secret stored hashed, bound to the API token they were exchanged for). */
export class ConsoleSessions1764690000000 implements MigrationInterface {
  name = 'ConsoleSessions1764690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'console_sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'secretSha256', type: 'varchar', length: '64', isUnique: true },
          { name: 'tokenId', type: 'varchar', length: '64' },
          { name: 'csrfToken', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'expiresAt', type: 'bigint' },
          { name: 'revokedAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'console_sessions',
      new TableIndex({ name: 'IDX_console_sessions_tokenId', columnNames: ['tokenId'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('console_sessions', true);
  }
}
