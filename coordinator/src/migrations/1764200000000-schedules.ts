import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Schedules (cron windows, quorum, deadlines), and what a round needs to belong to one, pause and fail with a code. */
export class Schedules1764200000000 implements MigrationInterface {
  name = 'Schedules1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'schedules',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'cron', type: 'varchar', length: '128' },
          { name: 'timeZone', type: 'varchar', length: '64' },
          { name: 'windowMinutes', type: 'integer' },
          { name: 'rounds', type: 'integer' },
          { name: 'minParticipants', type: 'integer' },
          { name: 'deadlineSeconds', type: 'integer' },
          { name: 'maxDurationSeconds', type: 'integer' },
          { name: 'onQuorumMissed', type: 'varchar', length: '8' },
          { name: 'createdBy', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'statusReason', type: 'text', isNullable: true },
        ],
      }),
    );
    await q.addColumns('rounds', [
      new TableColumn({ name: 'failureCode', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'scheduleId', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'scheduleSeq', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'mustFinishBy', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'pausedAt', type: 'bigint', isNullable: true }),
    ]);
    await q.createIndex('rounds', new TableIndex({ columnNames: ['scheduleId', 'scheduleSeq'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    const rounds = await q.getTable('rounds');
    const index = rounds?.indices.find((i) => i.columnNames.join() === 'scheduleId,scheduleSeq');
    if (index) await q.dropIndex('rounds', index);
    for (const c of ['pausedAt', 'mustFinishBy', 'scheduleSeq', 'scheduleId', 'failureCode'])
      await q.dropColumn('rounds', c);
    await q.dropTable('schedules', true);
  }
}
