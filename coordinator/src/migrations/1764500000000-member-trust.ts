import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Bank-side trust: members' self-signed box keys, endorsements between members, the dealer's
 * signed epoch manifest, and each contribution's signed statement (what a sum is made of).
 */
export class MemberTrust1764500000000 implements MigrationInterface {
  name = 'MemberTrust1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'participants',
      new TableColumn({ name: 'boxKeySignature', type: 'varchar', length: '128', isNullable: true }),
    );
    await q.createTable(
      new Table({
        name: 'endorsements',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'subjectSigningPublicKey', type: 'varchar', length: '64' },
          { name: 'subjectDisplayName', type: 'varchar', length: '128' },
          { name: 'endorserSigningPublicKey', type: 'varchar', length: '64' },
          { name: 'signature', type: 'varchar', length: '128' },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex(
      'endorsements',
      new TableIndex({
        columnNames: ['federationId', 'subjectSigningPublicKey', 'endorserSigningPublicKey'],
        isUnique: true,
      }),
    );
    await q.addColumns('key_epochs', [
      new TableColumn({ name: 'manifestJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'manifestSignature', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'excludedJson', type: 'text', default: "'[]'" }),
    ]);
    await q.addColumn(
      'update_receipts',
      new TableColumn({ name: 'contributionSignature', type: 'varchar', length: '128', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('update_receipts', 'contributionSignature');
    for (const c of ['excludedJson', 'manifestSignature', 'manifestJson']) await q.dropColumn('key_epochs', c);
    await q.dropTable('endorsements', true);
    await q.dropColumn('participants', 'boxKeySignature');
  }
}
