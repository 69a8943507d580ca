import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { binaryType } from '../common/column-types';

/** A secure round's model is held until another member confirms its hash; the confirmations are kept. */
export class ConfirmedPublication1764800000000 implements MigrationInterface {
  name = 'ConfirmedPublication1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'pending_publications',
        columns: [
          { name: 'roundId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'federationId', type: 'varchar', length: '64' },
          { name: 'publisherId', type: 'varchar', length: '64' },
          { name: 'encoding', type: 'varchar', length: '64' },
          { name: 'data', type: binaryType(q.connection.driver.options.type) },
          { name: 'payloadSha256', type: 'varchar', length: '64', isNullable: true },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'model_confirmations',
        columns: [
          { name: 'roundId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'participantId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'modelSha256', type: 'varchar', length: '64' },
          { name: 'signature', type: 'varchar', length: '128' },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('model_confirmations', true);
    await q.dropTable('pending_publications', true);
  }
}
