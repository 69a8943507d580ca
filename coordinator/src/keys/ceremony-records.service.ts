import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { cardToWire, type Task } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { ModelsService } from '../models/models.service';
import { MemberDirectoryService } from '../participants/member-directory.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { TaskHub } from '../tasks/task-hub';
import { KeyCustodyService, SEALED_ENCODING } from './key-custody.service';
import { KeyEpoch } from './key-epoch.entity';
import { CEREMONY_TIMEOUT_MS } from './key-epoch-state-machine';

/** Records key ceremonies starting and being abandoned, and gives the dealer its task (again after a reconnect). */
@Injectable()
export class CeremonyRecords {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly participants: ParticipantsService,
    private readonly models: ModelsService,
    private readonly hub: TaskHub,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Stores a new dealing epoch and asks its dealer; `resealModelId` when the current model must be re-sealed. */
  async start(row: KeyEpoch, resealModelId: string): Promise<void> {
    await this.db.getRepository(KeyEpoch).insert(row);
    const members = KeyCustodyService.members(row);
    this.log.info(
      { federationId: row.federationId, keyEpoch: row.epoch, dealer: row.dealerId, members: members.length },
      'key ceremony started',
    );
    await this.audit.record({
      actor: 'system',
      action: 'key_epoch.started',
      federationId: row.federationId,
      subject: String(row.epoch),
      detail: { dealer: row.dealerId, members },
    });
    await this.send(row, resealModelId);
  }

  async abandon(e: KeyEpoch): Promise<void> {
    await this.db
      .getRepository(KeyEpoch)
      .update({ federationId: e.federationId, epoch: e.epoch, state: 'dealing' }, { state: 'abandoned' });
    this.log.warn(
      { federationId: e.federationId, keyEpoch: e.epoch },
      'key ceremony abandoned (dealer gone, timed out or membership changed)',
    );
  }

  /** A dealer that reconnects mid-ceremony gets its task again. */
  async onSubscribe(p: Participant): Promise<void> {
    const dealing = await this.db.getRepository(KeyEpoch).findOne({
      where: { federationId: p.federationId, state: 'dealing', dealerId: p.id },
    });
    if (!dealing) return;
    const current = await this.models.latest(p.federationId);
    await this.send(dealing, current.encoding === SEALED_ENCODING && !dealing.resealedModelVersionId ? current.id : '');
  }

  private async send(e: KeyEpoch, resealModelId: string): Promise<void> {
    const members = await this.participants.byIds(KeyCustodyService.members(e));
    const task: Task = {
      taskId: newId('tsk'),
      type: 'TASK_TYPE_KEY_CEREMONY',
      roundId: '',
      roundNumber: 0,
      modelVersionId: resealModelId,
      deadlineUnixMs: String(e.startedAt + CEREMONY_TIMEOUT_MS),
      keyEpoch: e.epoch,
      parameterSet: e.parameterSet,
      // Full cards: the dealer checks each against its own trust policy and seals only to those it trusts.
      members: members.map((m) => cardToWire(MemberDirectoryService.card(m))),
    };
    this.hub.push(e.dealerId, task);
  }
}
