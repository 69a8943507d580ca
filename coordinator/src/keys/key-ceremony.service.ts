import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, MoreThan, type DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import { EndorsementRecord } from '../participants/endorsement.entity';
import { ParticipantsService } from '../participants/participants.service';
import { PresenceService } from '../participants/presence.service';
import { CeremonyRecords } from './ceremony-records.service';
import { KeyCustodyService, SEALED_ENCODING } from './key-custody.service';
import { KeyEpoch } from './key-epoch.entity';
import { dealerOrder, decideEpoch } from './key-epoch-state-machine';

/**
 * Keeps a federation's key epoch matching its members: the coordinator relays the members' cards to a
 * dealer, which seals only to the members its own bank trusts and signs the manifest. A change of
 * membership, or an excluded member endorsed since, starts a new epoch.
 *
 * Dealer rule: the connected member with the smallest id (among the last epoch's members when the model
 * must be re-sealed). Members do not rely on it: each opens a share only when the manifest's dealer is a
 * member it trusts, so a coordinator choosing another dealer, or dealing itself, gets refused.
 */
@Injectable()
export class KeyCeremony {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly models: ModelsService,
    private readonly presence: PresenceService,
    private readonly records: CeremonyRecords,
    private readonly clock: Clock,
  ) {}

  /**
   * The ready epoch whose members are exactly the active participants, or null
   * while a ceremony for it runs (one is started, or restarted, as needed).
   */
  async ensureEpoch(federationId: string): Promise<KeyEpoch | null> {
    const epochs = this.db.getRepository(KeyEpoch);
    const plan = await this.federations.planOf(federationId);
    const activeMembers = await this.participants.active(federationId);
    const active = activeMembers.map((p) => p.id);
    const latest = await epochs.findOne({ where: { federationId }, order: { epoch: 'DESC' } });
    const now = this.clock.now();
    const decision = decideEpoch({
      latest: latest && {
        state: latest.state,
        members: KeyCustodyService.members(latest),
        excluded: KeyCustodyService.excluded(latest),
        endorsedSince: latest.state === 'ready' && (await this.endorsedSince(latest)),
        startedAt: latest.startedAt,
      },
      active,
      now,
      dealerOnline: latest?.state === 'dealing' && (await this.presence.isOnline(latest.dealerId)),
    });
    if (decision.action === 'use') return latest;
    if (decision.action === 'wait') return null;
    if (latest && decision.abandon) await this.records.abandon(latest);
    if (active.length === 0) return null;
    const lastReady = await epochs.findOne({ where: { federationId, state: 'ready' }, order: { epoch: 'DESC' } });
    const current = await this.models.latest(federationId);
    // Under members-only the current model is sealed: only a holder of the old key can re-seal it.
    const reseal = current.encoding === SEALED_ENCODING;
    const eligible = reseal && lastReady ? KeyCustodyService.members(lastReady) : active;
    const online = new Set(await this.presence.online(federationId));
    const connected = dealerOrder(
      activeMembers.filter((p) => online.has(p.id) && eligible.includes(p.id)),
      lastReady ? KeyCustodyService.members(lastReady) : [],
    );
    if (connected.length === 0) return null;
    const row = epochs.create({
      federationId,
      epoch: (latest?.epoch ?? 0) + 1,
      parameterSet: plan.aggregation.secure.parameterSet,
      dealerId: connected[0],
      memberIds: JSON.stringify([...active].sort()),
      state: 'dealing',
      resealedModelVersionId: null,
      startedAt: now,
      readyAt: null,
    });
    await this.records.start(row, reseal ? current.id : '');
    return null;
  }

  /** Whether a member the dealer excluded from `e` has been endorsed since `e` was dealt. */
  private async endorsedSince(e: KeyEpoch): Promise<boolean> {
    const excluded = KeyCustodyService.excluded(e);
    if (excluded.length === 0) return false;
    const keys = (await this.participants.byIds(excluded)).map((p) => p.signingPublicKey);
    if (keys.length === 0) return false;
    const newer = await this.db.getRepository(EndorsementRecord).count({
      where: {
        federationId: e.federationId,
        subjectSigningPublicKey: In(keys),
        createdAt: MoreThan(e.readyAt ?? e.startedAt),
      },
    });
    return newer > 0;
  }
}
