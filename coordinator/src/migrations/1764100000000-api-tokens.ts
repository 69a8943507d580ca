import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** API tokens with roles for the admin REST API (hash only; the token is shown once). */
export class ApiTokens1764100000000 implements MigrationInterface {
  name = 'ApiTokens1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'roles', type: 'varchar', length: '128' },
          { name: 'tokenSha256', type: 'varchar', length: '64', isUnique: true },
          { name: 'createdBy', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'expiresAt', type: 'bigint', isNullable: true },
          { name: 'revokedAt', type: 'bigint', isNullable: true },
          { name: 'lastUsedAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('api_tokens', true);
  }
}
