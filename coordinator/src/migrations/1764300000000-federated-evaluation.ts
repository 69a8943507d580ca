import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Federated evaluation from encrypted histograms replaces per-bank metrics (the
 * coordinator must no longer hold any bank's own figures, so the old table goes),
 * and federations remember their consortium feature statistics.
 */
export class FederatedEvaluation1764300000000 implements MigrationInterface {
  name = 'FederatedEvaluation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'model_evaluations',
        columns: [
          { name: 'modelVersionId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'roundId', type: 'varchar', length: '64' },
          { name: 'roundNumber', type: 'integer' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'keyEpoch', type: 'integer' },
          { name: 'bins', type: 'integer' },
          { name: 'minContributors', type: 'integer' },
          { name: 'deadlineAt', type: 'bigint' },
          { name: 'contributors', type: 'integer', default: '0' },
          { name: 'histogramJson', type: 'text', isNullable: true },
          { name: 'metricsJson', type: 'text', isNullable: true },
          { name: 'reportedBy', type: 'varchar', length: '64', isNullable: true },
          { name: 'reportersJson', type: 'text', default: "'[]'" },
          { name: 'failureReason', type: 'text', isNullable: true },
          { name: 'createdAt', type: 'bigint' },
          { name: 'completedAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await q.createIndex('model_evaluations', new TableIndex({ columnNames: ['federationId', 'roundNumber'] }));
    await q.dropTable('evaluation_results', true);
    // Federated standardisation: which round's statistics sum counts, and the consortium moments once known.
    await q.addColumns('federations', [
      new TableColumn({ name: 'featureStatsRoundId', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'featureMomentsJson', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['featureMomentsJson', 'featureStatsRoundId']) await q.dropColumn('federations', c);
    await q.dropTable('model_evaluations', true);
    await q.createTable(
      new Table({
        name: 'evaluation_results',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'modelVersionId', type: 'varchar', length: '64' },
          { name: 'participantId', type: 'varchar', length: '64' },
          { name: 'numExamples', type: 'integer' },
          { name: 'loss', type: 'double precision' },
          { name: 'accuracy', type: 'double precision' },
          { name: 'auc', type: 'double precision' },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );
  }
}
