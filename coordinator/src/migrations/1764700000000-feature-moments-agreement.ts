import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Consortium feature moments are recorded only when two members report the same: the first waits here. */
export class FeatureMomentsAgreement1764700000000 implements MigrationInterface {
  name = 'FeatureMomentsAgreement1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('federations', [
      new TableColumn({ name: 'featureMomentsPendingJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'featureMomentsReportersJson', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('federations', 'featureMomentsReportersJson');
    await q.dropColumn('federations', 'featureMomentsPendingJson');
  }
}
