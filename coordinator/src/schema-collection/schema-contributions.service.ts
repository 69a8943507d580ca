import { createHash } from 'crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  buildSchemaIndex,
  contributionSignatureValid,
  EncryptedSum,
  heRuntime,
  parseSchemaIndex,
  parseSchemaNames,
  planSecureSpec,
  schemaFieldCount,
  statementFromWire,
  type SchemaCollectionRequest__Output,
  type SchemaCollectionResponse,
  type SchemaNamesContribution,
} from '@syndicate/protocol';
import { IsNull, type DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { SyndicateError } from '../common/syndicate-error';
import { FederationsService } from '../federations/federations.service';
import type { Participant } from '../participants/participant.entity';
import { SchemaCollection } from './schema-collection.entity';
import { memberIdsOf } from './schema-collection-view';
import { SchemaContribution } from './schema-contribution.entity';

export const SCHEMA_KIND = 'schema';

type ContributionStatement__Output = NonNullable<SchemaCollectionRequest__Output['statement']>;

/** A statement as stored: its bytes as hex. */
interface StoredStatement {
  participantId: string;
  roundId: string;
  kind: string;
  keyEpoch: number;
  ciphertextSha256: string;
  digest: string;
  signature: string;
}

/**
 * A member's steps in a schema collection. The coordinator stores tags with sealed names and
 * ciphertexts, builds the index from tags alone, and adds the tallies without any key.
 */
@Injectable()
export class SchemaContributionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  private get rows() {
    return this.db.getRepository(SchemaContribution);
  }

  private assertMember(c: SchemaCollection, p: Participant): void {
    if (!memberIdsOf(c).includes(p.id))
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_KEY_MEMBER',
        `participant ${p.id} is not a member of key epoch ${c.keyEpoch}, which schema collection ${c.id} is under`,
      );
  }

  private assertState(c: SchemaCollection, state: SchemaCollection['state'], what: string): void {
    if (c.state !== state)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SCHEMA_COLLECTION_STEP',
        `schema collection ${c.id} is ${c.state}: ${what} only while it is ${state}`,
      );
  }

  /** Stores a member's step once; the same body again is a harmless repeat, another body a refusal. */
  private async store(row: SchemaContribution): Promise<boolean> {
    const seen = await this.rows.findOne({
      where: { collectionId: row.collectionId, participantId: row.participantId, step: row.step },
    });
    if (seen && seen.body !== row.body)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SCHEMA_COLLECTION_STEP',
        `participant ${row.participantId} already sent its ${row.step} for schema collection ${row.collectionId}`,
      );
    if (seen) return false;
    await this.rows.insert(row);
    return true;
  }

  async names(c: SchemaCollection, p: Participant, json: string): Promise<void> {
    this.assertMember(c, p);
    this.assertState(c, 'names', 'names are accepted');
    const { value, problems } = parseSchemaNames(json);
    if (!value)
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_SCHEMA_NAMES', 'the names contribution is invalid', problems);
    const body = JSON.stringify(value);
    await this.store({
      collectionId: c.id,
      participantId: p.id,
      step: 'names',
      body,
      statementJson: null,
      createdAt: this.clock.now(),
    });
    const all = await this.rows.find({ where: { collectionId: c.id, step: 'names' } });
    if (all.length < memberIdsOf(c).length) return;
    // Deterministic from the stored names, so two members completing at once write the same index.
    const index = buildSchemaIndex(all.map((r) => JSON.parse(r.body) as SchemaNamesContribution));
    const res = await this.db
      .getRepository(SchemaCollection)
      .update({ id: c.id, state: 'names' }, { state: 'tallies', indexJson: JSON.stringify(index) });
    if (res.affected)
      await this.audit.record({
        actor: p.id,
        action: 'schema.index.built',
        federationId: c.federationId,
        subject: c.id,
        detail: { columns: index.columns.length, categoryTags: index.columns.reduce((n, x) => n + x.tags.length, 0) },
      });
  }

  async tally(
    c: SchemaCollection,
    p: Participant,
    payload: Buffer,
    wire: ContributionStatement__Output | null,
  ): Promise<void> {
    this.assertMember(c, p);
    this.assertState(c, 'tallies', 'tallies are accepted');
    const bad = (why: string) => new SyndicateError('INVALID_ARGUMENT', 'BAD_SCHEMA_TALLY', why);
    if (!wire) throw bad('the tally carries no signed contribution statement');
    const s = statementFromWire(c.federationId, wire);
    if (s.participantId !== p.id || s.roundId !== c.id || s.kind !== SCHEMA_KIND || s.keyEpoch !== c.keyEpoch)
      throw bad(
        `the statement must name this member, collection ${c.id}, kind ${SCHEMA_KIND} and key epoch ${c.keyEpoch}`,
      );
    if (!createHash('sha256').update(payload).digest().equals(Buffer.from(s.ciphertextSha256)))
      throw bad("the statement's ciphertext hash is not the payload's");
    if (!contributionSignatureValid(s, Buffer.from(p.signingPublicKey, 'hex')))
      throw bad("the statement's signature does not verify under the member's signing key");
    const sum = await this.sumOf(c, [payload]).catch((err: Error) => {
      throw bad(`the payload is not a tally over this collection's index: ${err.message}`);
    });
    sum.dispose();
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const stored: StoredStatement = {
      participantId: s.participantId,
      roundId: s.roundId,
      kind: s.kind,
      keyEpoch: s.keyEpoch,
      ciphertextSha256: hex(s.ciphertextSha256),
      digest: hex(s.digest),
      signature: hex(s.signature),
    };
    await this.store({
      collectionId: c.id,
      participantId: p.id,
      step: 'tally',
      body: payload.toString('base64'),
      statementJson: JSON.stringify(stored),
      createdAt: this.clock.now(),
    });
    const count = await this.rows.count({ where: { collectionId: c.id, step: 'tally' } });
    if (count < memberIdsOf(c).length) return;
    const res = await this.db
      .getRepository(SchemaCollection)
      .update({ id: c.id, state: 'tallies', closedAt: IsNull() }, { state: 'closed', closedAt: this.clock.now() });
    if (res.affected)
      await this.audit.record({
        actor: p.id,
        action: 'schema.tallies.closed',
        federationId: c.federationId,
        subject: c.id,
        detail: { contributors: count },
      });
  }

  /** The encrypted sum of tallies (each checked against the index's size and the epoch): the coordinator never decrypts. */
  private async sumOf(c: SchemaCollection, payloads: Buffer[]): Promise<EncryptedSum> {
    const plan = this.federations.plan(await this.federations.entity(c.federationId));
    const spec = planSecureSpec(plan);
    const valueCount = schemaFieldCount(spec, parseSchemaIndex(c.indexJson ?? '{}'));
    const sum = new EncryptedSum(await heRuntime(spec.parameterSet), { keyEpoch: c.keyEpoch, valueCount });
    try {
      for (const x of payloads) sum.add(x);
    } catch (err) {
      sum.dispose();
      throw err;
    }
    return sum;
  }

  /** What a member reads: the state and progress, the index once built, the sum and its statements once closed. */
  async response(c: SchemaCollection): Promise<SchemaCollectionResponse> {
    const rows = await this.rows.find({ where: { collectionId: c.id }, order: { participantId: 'ASC' } });
    const tallies = rows.filter((r) => r.step === 'tally');
    const base: SchemaCollectionResponse = {
      collectionId: c.id,
      state: c.state,
      keyEpoch: c.keyEpoch,
      minCategoryCount: c.minCategoryCount,
      indexJson: c.indexJson ?? '',
      members: memberIdsOf(c).length,
      namesReceived: rows.length - tallies.length,
      talliesReceived: tallies.length,
    };
    if (c.state !== 'closed') return base;
    const sum = await this.sumOf(
      c,
      tallies.map((r) => Buffer.from(r.body, 'base64')),
    );
    try {
      return {
        ...base,
        sum: sum.serialize(),
        statements: tallies.map((r) => {
          const s = JSON.parse(r.statementJson!) as StoredStatement;
          const bytes = (k: keyof StoredStatement) => Buffer.from(String(s[k]), 'hex');
          return {
            ...s,
            ciphertextSha256: bytes('ciphertextSha256'),
            digest: bytes('digest'),
            signature: bytes('signature'),
          };
        }),
      };
    } finally {
      sum.dispose();
    }
  }
}
