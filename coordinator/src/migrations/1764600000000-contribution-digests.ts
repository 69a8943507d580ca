import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Each secure contribution's signed linear digest: members add them up to check a sum before decrypting it. */
export class ContributionDigests1764600000000 implements MigrationInterface {
  name = 'ContributionDigests1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'update_receipts',
      new TableColumn({ name: 'contributionDigest', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('update_receipts', 'contributionDigest');
  }
}
