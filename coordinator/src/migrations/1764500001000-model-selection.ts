import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Validation and test figures of each evaluated model, the selection policy it was judged by, and promotion. */
export class ModelSelection1764500001000 implements MigrationInterface {
  name = 'ModelSelection1764500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('model_evaluations', [
      new TableColumn({ name: 'testHistogramJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'testMetricsJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'selectionJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'promotedAt', type: 'bigint', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['promotedAt', 'selectionJson', 'testMetricsJson', 'testHistogramJson'])
      await q.dropColumn('model_evaluations', c);
  }
}
