import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Consortium schema collections: tags and sealed names per member, then encrypted tallies the coordinator adds. */
export class SchemaCollections1764817000000 implements MigrationInterface {
  name = 'SchemaCollections1764817000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'schema_collections',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'keyEpoch', type: 'integer' },
          { name: 'minCategoryCount', type: 'integer' },
          { name: 'memberIds', type: 'text' },
          { name: 'indexJson', type: 'text', isNullable: true },
          { name: 'startedBy', type: 'varchar', length: '128' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'closedAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'schema_collections',
      new TableIndex({ name: 'IDX_schema_collections_federation', columnNames: ['federationId', 'createdAt'] }),
    );
    await q.createTable(
      new Table({
        name: 'schema_contributions',
        columns: [
          { name: 'collectionId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'participantId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'step', type: 'varchar', length: '8', isPrimary: true },
          { name: 'body', type: 'text' },
          { name: 'statementJson', type: 'text', isNullable: true },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('schema_contributions', true);
    await q.dropTable('schema_collections', true);
  }
}
