import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  manifestFromJson,
  manifestToJson,
  manifestToWire,
  sealedModelEpoch,
  type EpochManifest,
  type FetchKeyShareResponse,
} from '@syndicate/protocol';
import { In, type DataSource, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { Federation } from '../federations/federation.entity';
import { FederationsService } from '../federations/federations.service';
import { AuditService } from '../audit/audit.service';
import { ModelsService } from '../models/models.service';
import { MemberDirectoryService } from '../participants/member-directory.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { checkDealtManifest } from './dealt-manifest';
import { KeyEpoch } from './key-epoch.entity';
import { KeyShare } from './key-share.entity';

const SEALED_SHARE_MAX_BYTES = 256;
const WRAPPED_KEY_MAX_BYTES = 1 << 20;

export const SEALED_ENCODING = 'PAYLOAD_ENCODING_SEALED_FLOAT32';

/**
 * Key custody without key access: the dealer (see key-ceremony.service.ts) returns
 * one sealed share per member; the coordinator stores them and hands each member
 * its own. It never holds the key itself.
 */
@Injectable()
export class KeyCustodyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    private readonly models: ModelsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  private get epochs(): Repository<KeyEpoch> {
    return this.db.getRepository(KeyEpoch);
  }

  private get shares(): Repository<KeyShare> {
    return this.db.getRepository(KeyShare);
  }

  static members(e: KeyEpoch): string[] {
    return JSON.parse(e.memberIds) as string[];
  }

  /** Members the coordinator named that the dealer refused to seal to. */
  static excluded(e: KeyEpoch): string[] {
    return JSON.parse(e.excludedJson || '[]') as string[];
  }

  private async dealing(dealer: Participant, keyEpoch: number): Promise<KeyEpoch> {
    const e = await this.epochs.findOne({ where: { federationId: dealer.federationId, epoch: keyEpoch } });
    if (!e || e.state !== 'dealing') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'KEY_EPOCH_NOT_DEALING',
        `key epoch ${keyEpoch} is ${e?.state ?? 'unknown'}, not awaiting a dealer`,
      );
    }
    if (e.dealerId !== dealer.id)
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_THE_DEALER',
        `participant ${dealer.id} is not the dealer of key epoch ${keyEpoch}`,
      );
    return e;
  }

  /** The dealer re-seals the current sealed model for the new epoch before handing out keys. */
  async acceptResealedModel(
    dealer: Participant,
    keyEpoch: number,
    baseModelVersionId: string,
    data: Buffer,
  ): Promise<string> {
    const e = await this.dealing(dealer, keyEpoch);
    const base = await this.models.latest(dealer.federationId);
    if (base.id !== baseModelVersionId) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'STALE_BASE_MODEL',
        `re-sealed model ${baseModelVersionId} is not the current model ${base.id}`,
      );
    }
    const epoch = sealedModelEpoch(data);
    if (epoch !== keyEpoch)
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'WRONG_KEY_EPOCH',
        `model is sealed under epoch ${epoch}, the ceremony is for epoch ${keyEpoch}`,
      );
    const federation = await this.federations.entity(dealer.federationId);
    const model = await this.models.create({
      federationId: dealer.federationId,
      roundNumber: base.roundNumber,
      contributors: base.contributors,
      encoding: SEALED_ENCODING,
      numParams: base.numParams,
      planSha256: federation.planSha256,
      data,
      keyEpoch,
    });
    await this.epochs.update({ federationId: e.federationId, epoch: e.epoch }, { resealedModelVersionId: model.id });
    this.log.info(
      { federationId: e.federationId, keyEpoch, modelVersionId: model.id },
      'current model re-sealed for new key epoch',
    );
    return model.id;
  }

  async submitShares(
    dealer: Participant,
    r: {
      keyEpoch: number;
      parameterSet: string;
      shares: { participantId: string; nonce: Buffer; sealedKey: Buffer }[];
      wrappedKey: Buffer;
      manifest: EpochManifest | null;
      manifestSignature: Buffer;
      excludedParticipantIds: string[];
    },
  ): Promise<number> {
    const e = await this.dealing(dealer, r.keyEpoch);
    if (r.parameterSet !== e.parameterSet) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'PARAMETER_SET_MISMATCH',
        `shares are for ${r.parameterSet}, the federation uses ${e.parameterSet}`,
      );
    }
    const named = await this.participants.byIds(KeyCustodyService.members(e));
    const enrolled = new Map(named.map((p) => [p.id, MemberDirectoryService.card(p)]));
    const members = checkDealtManifest(
      { federationId: e.federationId, epoch: e.epoch, parameterSet: e.parameterSet, memberIds: [...enrolled.keys()] },
      MemberDirectoryService.card(dealer),
      enrolled,
      {
        manifest: r.manifest,
        signature: r.manifestSignature,
        wrappedKey: r.wrappedKey,
        shareIds: r.shares.map((s) => s.participantId),
        excludedIds: r.excludedParticipantIds,
      },
    );
    for (const s of r.shares) {
      if (s.nonce.length !== 24 || s.sealedKey.length < 48 || s.sealedKey.length > SEALED_SHARE_MAX_BYTES) {
        throw new SyndicateError(
          'INVALID_ARGUMENT',
          'BAD_KEY_SHARE',
          `key share for ${s.participantId} is malformed (24-byte nonce, sealed secret up to ${SEALED_SHARE_MAX_BYTES} bytes)`,
        );
      }
    }
    if (r.wrappedKey.length < 40 || r.wrappedKey.length > WRAPPED_KEY_MAX_BYTES) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_KEY_SHARE',
        `wrapped key must be 40 to ${WRAPPED_KEY_MAX_BYTES} bytes, got ${r.wrappedKey.length}`,
      );
    }
    const current = await this.models.latest(dealer.federationId);
    if (current.encoding === SEALED_ENCODING && current.keyEpoch !== e.epoch) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'KEY_RESEAL_MISSING',
        `publish the current model re-sealed under epoch ${e.epoch} before submitting key shares`,
      );
    }
    await this.db.transaction(async (em) => {
      await em.getRepository(KeyShare).insert(
        r.shares.map((s) => ({
          federationId: e.federationId,
          epoch: e.epoch,
          participantId: s.participantId,
          nonce: s.nonce,
          sealedKey: s.sealedKey,
        })),
      );
      const res = await em.getRepository(KeyEpoch).update(
        { federationId: e.federationId, epoch: e.epoch, state: 'dealing' },
        {
          state: 'ready',
          readyAt: this.clock.now(),
          wrappedKey: r.wrappedKey,
          // From here on the epoch is the manifest's: the members the dealer trusted and sealed to.
          memberIds: JSON.stringify(members),
          manifestJson: manifestToJson(r.manifest!),
          manifestSignature: r.manifestSignature.toString('base64'),
          excludedJson: JSON.stringify([...r.excludedParticipantIds].sort()),
        },
      );
      if (!res.affected)
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'KEY_EPOCH_NOT_DEALING',
          `key epoch ${e.epoch} is no longer awaiting a dealer`,
        );
      await em.getRepository(Federation).update({ id: e.federationId }, { keyEpoch: e.epoch });
    });
    this.log.info({ federationId: e.federationId, keyEpoch: e.epoch, members: members.length }, 'key epoch ready');
    await this.audit.record({
      actor: dealer.id,
      action: 'key_epoch.ready',
      federationId: e.federationId,
      subject: String(e.epoch),
      detail: { members, excluded: [...r.excludedParticipantIds].sort(), parameterSet: e.parameterSet },
    });
    return e.epoch;
  }

  async fetchShare(p: Participant, keyEpoch: number): Promise<FetchKeyShareResponse> {
    const e = await this.epochs.findOne({ where: { federationId: p.federationId, epoch: keyEpoch, state: 'ready' } });
    if (!e) throw new SyndicateError('NOT_FOUND', 'KEY_EPOCH_NOT_READY', `key epoch ${keyEpoch} is not ready`);
    const share = await this.shares.findOne({
      where: { federationId: p.federationId, epoch: keyEpoch, participantId: p.id },
    });
    if (!share) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_KEY_MEMBER',
        `participant ${p.id} holds no share of key epoch ${keyEpoch}; it joins at the next epoch`,
      );
    }
    const [dealer] = await this.participants.byIds([e.dealerId]);
    return {
      keyEpoch,
      parameterSet: e.parameterSet,
      dealerBoxPublicKey: Buffer.from(dealer.boxPublicKey, 'hex'),
      nonce: share.nonce,
      sealedKey: share.sealedKey,
      wrappedKey: e.wrappedKey ?? Buffer.alloc(0),
      // Members open their share only under this; the dealer key above is legacy and ignored by them.
      manifest: e.manifestJson ? manifestToWire(manifestFromJson(e.manifestJson)) : null,
      manifestSignature: Buffer.from(e.manifestSignature ?? '', 'base64'),
    };
  }

  async epoch(federationId: string, epoch: number): Promise<KeyEpoch> {
    const e = await this.epochs.findOne({ where: { federationId, epoch } });
    if (!e) throw new SyndicateError('NOT_FOUND', 'KEY_EPOCH_NOT_FOUND', `key epoch ${epoch} does not exist`);
    return e;
  }

  async list(federationId: string): Promise<KeyEpoch[]> {
    return this.epochs.find({ where: { federationId, state: In(['dealing', 'ready']) }, order: { epoch: 'ASC' } });
  }
}
