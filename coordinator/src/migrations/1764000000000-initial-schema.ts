import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { binaryType } from '../common/column-types';

type Col = {
  name: string;
  type: string;
  length?: string;
  isPrimary?: boolean;
  isNullable?: boolean;
  default?: string;
  isUnique?: boolean;
};

const id = (name: string, primary = false): Col => ({ name, type: 'varchar', length: '64', isPrimary: primary });
const ms = (name: string, nullable = false): Col => ({ name, type: 'bigint', isNullable: nullable });

/** Written with the Table API so one migration serves SQLite and PostgreSQL. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const blob = binaryType(q.connection.driver.options.type);
    const tables: [string, Col[], TableIndex[]][] = [
      [
        'federations',
        [
          id('id', true),
          { name: 'name', type: 'varchar', length: '128', isUnique: true },
          { name: 'planJson', type: 'text' },
          { name: 'planSha256', type: 'varchar', length: '64' },
          { name: 'keyEpoch', type: 'integer', default: '0' },
          ms('createdAt'),
        ],
        [],
      ],
      [
        'participants',
        [
          id('id', true),
          id('federationId'),
          { name: 'displayName', type: 'varchar', length: '128' },
          { name: 'signingPublicKey', type: 'varchar', length: '64', isUnique: true },
          { name: 'boxPublicKey', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          ms('enrolledAt'),
          ms('lastSeenAt', true),
        ],
        [new TableIndex({ columnNames: ['federationId', 'displayName'], isUnique: true })],
      ],
      [
        'enrollment_tokens',
        [
          id('tokenSha256', true),
          id('federationId'),
          { name: 'displayName', type: 'varchar', length: '128' },
          ms('expiresAt'),
          ms('usedAt', true),
          { ...id('participantId'), isNullable: true },
        ],
        [],
      ],
      [
        'used_nonces',
        [{ name: 'nonce', type: 'varchar', length: '32', isPrimary: true }, id('participantId', true), ms('seenAt')],
        [],
      ],
      [
        'rounds',
        [
          id('id', true),
          id('federationId'),
          { name: 'number', type: 'integer' },
          { name: 'state', type: 'varchar', length: '16' },
          id('baseModelVersionId'),
          { name: 'minParticipants', type: 'integer' },
          ms('openedAt'),
          ms('deadlineAt'),
          ms('closedAt', true),
          { ...id('resultModelVersionId'), isNullable: true },
          { name: 'failureReason', type: 'text', isNullable: true },
          { name: 'mode', type: 'varchar', length: '16', default: "'plaintext'" },
          { name: 'keyEpoch', type: 'integer', default: '0' },
          ms('countDeadlineAt', true),
          { ...id('publisherId'), isNullable: true },
        ],
        [new TableIndex({ columnNames: ['federationId', 'number'], isUnique: true })],
      ],
      [
        'update_receipts',
        [
          id('id', true),
          id('roundId'),
          id('participantId'),
          { name: 'payloadSha256', type: 'varchar', length: '64' },
          { name: 'signature', type: 'varchar', length: '128' },
          { name: 'numSamples', type: 'integer' },
          { name: 'payloadBytes', type: 'bigint' },
          ms('acceptedAt'),
          { name: 'kind', type: 'varchar', length: '16', default: "'model'" },
        ],
        [new TableIndex({ columnNames: ['roundId', 'participantId', 'kind'], isUnique: true })],
      ],
      [
        'round_accumulators',
        [
          id('roundId', true),
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          { name: 'contributors', type: 'integer' },
          { name: 'totalWeight', type: 'double precision' },
          { name: 'data', type: blob },
        ],
        [],
      ],
      [
        'model_versions',
        [
          id('id', true),
          id('federationId'),
          { name: 'roundNumber', type: 'integer' },
          { name: 'contributors', type: 'integer' },
          { name: 'encoding', type: 'varchar', length: '32' },
          { name: 'numParams', type: 'integer' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'planSha256', type: 'varchar', length: '64' },
          { name: 'data', type: blob },
          ms('createdAt'),
          { name: 'keyEpoch', type: 'integer', default: '0' },
        ],
        [new TableIndex({ columnNames: ['federationId', 'roundNumber', 'keyEpoch'], isUnique: true })],
      ],
      [
        'evaluation_results',
        [
          id('id', true),
          id('federationId'),
          id('modelVersionId'),
          id('participantId'),
          { name: 'numExamples', type: 'integer' },
          { name: 'loss', type: 'double precision' },
          { name: 'accuracy', type: 'double precision' },
          { name: 'auc', type: 'double precision' },
          ms('createdAt'),
        ],
        [new TableIndex({ columnNames: ['modelVersionId', 'participantId'], isUnique: true })],
      ],
      [
        'key_epochs',
        [
          id('federationId', true),
          { name: 'epoch', type: 'integer', isPrimary: true },
          { name: 'parameterSet', type: 'varchar', length: '64' },
          id('dealerId'),
          { name: 'memberIds', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { ...id('resealedModelVersionId'), isNullable: true },
          { name: 'wrappedKey', type: blob, isNullable: true },
          ms('startedAt'),
          ms('readyAt', true),
        ],
        [],
      ],
      [
        'accepted_ciphertexts',
        [
          id('roundId', true),
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          id('participantId', true),
          { name: 'data', type: blob },
        ],
        [],
      ],
      [
        'audit_events',
        [
          { name: 'seq', type: 'integer', isPrimary: true },
          ms('at'),
          { name: 'actor', type: 'varchar', length: '64' },
          { name: 'action', type: 'varchar', length: '64' },
          { ...id('federationId'), isNullable: true },
          { ...id('subject'), isNullable: true },
          { name: 'detail', type: 'text' },
          { name: 'prevHash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
        [],
      ],
      [
        'key_shares',
        [
          id('federationId', true),
          { name: 'epoch', type: 'integer', isPrimary: true },
          id('participantId', true),
          { name: 'nonce', type: blob },
          { name: 'sealedKey', type: blob },
        ],
        [],
      ],
    ];
    for (const [name, columns, indices] of tables) {
      await q.createTable(new Table({ name, columns, indices }), true);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of [
      'key_shares',
      'accepted_ciphertexts',
      'audit_events',
      'key_epochs',
      'evaluation_results',
      'model_versions',
      'round_accumulators',
      'update_receipts',
      'rounds',
      'used_nonces',
      'enrollment_tokens',
      'participants',
      'federations',
    ]) {
      await q.dropTable(name, true);
    }
  }
}
