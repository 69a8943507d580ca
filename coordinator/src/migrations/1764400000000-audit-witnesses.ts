import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Members witness the audit head after each round (so the log cannot be cut or rewritten
 * unnoticed), and a participant remembers the client certificate it enrolled with (so
 * another bank's certificate cannot speak for it under mutual TLS).
 */
export class AuditWitnesses1764400000000 implements MigrationInterface {
  name = 'AuditWitnesses1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_witnesses',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'participantId', type: 'varchar', length: '64' },
          { name: 'roundId', type: 'varchar', length: '64' },
          { name: 'seq', type: 'integer' },
          { name: 'hash', type: 'varchar', length: '64' },
          { name: 'signature', type: 'varchar', length: '128' },
          { name: 'witnessedAt', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex('audit_witnesses', new TableIndex({ columnNames: ['participantId', 'seq'], isUnique: true }));
    await q.addColumn(
      'participants',
      new TableColumn({ name: 'clientCertSha256', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('participants', 'clientCertSha256');
    await q.dropTable('audit_witnesses', true);
  }
}
