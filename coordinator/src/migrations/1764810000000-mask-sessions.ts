import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Pairwise masking: one session per masked sum, and every message its members exchange through the coordinator. */
export class MaskSessions1764810000000 implements MigrationInterface {
  name = 'MaskSessions1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'mask_sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '96', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'roundId', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'keyEpoch', type: 'integer' },
          { name: 'threshold', type: 'integer' },
          { name: 'expectedJson', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'advertDeadlineAt', type: 'bigint' },
          { name: 'survivorsJson', type: 'text', isNullable: true },
          { name: 'failure', type: 'text', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'mask_sessions',
      new TableIndex({ name: 'IDX_mask_sessions_round_kind', columnNames: ['roundId', 'kind'], isUnique: true }),
    );
    await q.createTable(
      new Table({
        name: 'mask_messages',
        columns: [
          { name: 'id', type: 'varchar', length: '256', isPrimary: true },
          { name: 'sessionId', type: 'varchar', length: '96' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'fromId', type: 'varchar', length: '64' },
          { name: 'toId', type: 'varchar', length: '64', default: "''" },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    await q.createIndex(
      'mask_messages',
      new TableIndex({ name: 'IDX_mask_messages_session_type', columnNames: ['sessionId', 'type'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('mask_messages', true);
    await q.dropTable('mask_sessions', true);
  }
}
