import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MIN_CONTRIBUTORS_FLOOR } from '@syndicate/protocol';
import { In, type DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import { FederationsService } from '../federations/federations.service';
import { KeyCustodyService } from '../keys/key-custody.service';
import { ParticipantsService } from '../participants/participants.service';
import { SchemaCollection } from './schema-collection.entity';
import type { StartSchemaCollection } from './schema-collection.responses';
import { schemaCollectionView, type SchemaCollectionView } from './schema-collection-view';
import { SchemaContribution } from './schema-contribution.entity';

/** The admin's side of a schema collection: start one for the federation's current key epoch, follow it. */
@Injectable()
export class SchemaCollectionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly keys: KeyCustodyService,
    private readonly participants: ParticipantsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  private get collections() {
    return this.db.getRepository(SchemaCollection);
  }

  async start(federationId: string, o: StartSchemaCollection, actor: string): Promise<SchemaCollectionView> {
    const f = await this.federations.entity(federationId);
    if (this.federations.plan(f).aggregation.mode !== 'secure' || f.keyEpoch < 1)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SCHEMA_NEEDS_KEY_EPOCH',
        `federation ${federationId} has no key epoch yet: tallies are summed encrypted, so run its key ceremony first (the first secure round does)`,
      );
    const epoch = await this.keys.epoch(federationId, f.keyEpoch);
    const active = new Set((await this.participants.active(federationId)).map((p) => p.id));
    const members = KeyCustodyService.members(epoch).filter((m) => active.has(m));
    if (epoch.state !== 'ready' || members.length < MIN_CONTRIBUTORS_FLOOR)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SCHEMA_NEEDS_KEY_EPOCH',
        `key epoch ${f.keyEpoch} is ${epoch.state} with ${members.length} active members; a schema collection needs a ready epoch of at least ${MIN_CONTRIBUTORS_FLOOR} (members decrypt no smaller sum)`,
      );
    const open = await this.collections.find({ where: { federationId, state: In(['names', 'tallies']) } });
    if (open.length && !o.replace)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SCHEMA_COLLECTION_OPEN',
        `schema collection ${open[0].id} is still ${open[0].state}; wait for it or start again with replace`,
      );
    const c = this.collections.create({
      id: newId('sch'),
      federationId,
      state: 'names',
      keyEpoch: f.keyEpoch,
      minCategoryCount: o.minCategoryCount,
      memberIds: JSON.stringify(members.sort()),
      indexJson: null,
      startedBy: actor,
      createdAt: this.clock.now(),
      closedAt: null,
    });
    await this.db.transaction(async (em) => {
      for (const old of open) await em.update(SchemaCollection, { id: old.id }, { state: 'abandoned' });
      await em.insert(SchemaCollection, c);
      await this.audit.recordIn(em, {
        actor,
        action: 'schema.collection.started',
        federationId,
        subject: c.id,
        detail: {
          keyEpoch: c.keyEpoch,
          members: members.length,
          minCategoryCount: c.minCategoryCount,
          replaced: open.map((x) => x.id),
        },
      });
    });
    return this.view(c);
  }

  async get(federationId: string, id: string): Promise<SchemaCollection> {
    const c = await this.collections.findOne({ where: { id, federationId } });
    if (!c)
      throw new SyndicateError(
        'NOT_FOUND',
        'NO_SCHEMA_COLLECTION',
        `federation ${federationId} has no schema collection ${id}`,
      );
    return c;
  }

  /** The federation's most recent collection: what a member takes part in when it names none. */
  async latest(federationId: string): Promise<SchemaCollection> {
    const [c] = await this.collections.find({ where: { federationId }, order: { createdAt: 'DESC' }, take: 1 });
    if (!c)
      throw new SyndicateError(
        'NOT_FOUND',
        'NO_SCHEMA_COLLECTION',
        `federation ${federationId} has no schema collection; the admin starts one with syndicate schema collect`,
      );
    return c;
  }

  async list(federationId: string): Promise<SchemaCollectionView[]> {
    await this.federations.entity(federationId);
    const all = await this.collections.find({ where: { federationId }, order: { createdAt: 'DESC' } });
    return Promise.all(all.map((c) => this.view(c)));
  }

  async view(c: SchemaCollection): Promise<SchemaCollectionView> {
    const rows = await this.db.getRepository(SchemaContribution).find({
      where: { collectionId: c.id },
      select: { step: true, participantId: true, collectionId: true },
    });
    return schemaCollectionView(c, {
      names: rows.filter((r) => r.step === 'names').length,
      tallies: rows.filter((r) => r.step === 'tally').length,
    });
  }
}
