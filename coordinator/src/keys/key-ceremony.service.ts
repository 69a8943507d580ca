import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import { ParticipantsService } from '../participants/participants.service';
import { PresenceService } from '../participants/presence.service';
import { CeremonyRecords } from './ceremony-records.service';
import { KeyCustodyService, SEALED_ENCODING } from './key-custody.service';
import { KeyEpoch } from './key-epoch.entity';
import { decideEpoch } from './key-epoch-state-machine';

/**
 * Keeps a federation's key epoch matching its members: the coordinator picks a
 * connected dealer member and relays the members' X25519 keys to it. A change of
 * membership starts a new epoch.
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
    const active = (await this.participants.active(federationId)).map((p) => p.id);
    const latest = await epochs.findOne({ where: { federationId }, order: { epoch: 'DESC' } });
    const now = this.clock.now();
    const decision = decideEpoch({
      latest: latest && {
        state: latest.state,
        members: KeyCustodyService.members(latest),
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
    const connected = (await this.presence.online(federationId))
      .filter((id) => active.includes(id) && eligible.includes(id))
      .sort();
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
}
