import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { endorsementValid, type Endorsement, type MemberCard } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import { AuditService } from '../audit/audit.service';
import { EndorsementRecord } from './endorsement.entity';
import { Participant } from './participant.entity';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string | null) => (h ? Buffer.from(h, 'hex') : Buffer.alloc(0));

/**
 * The member cards and endorsements the coordinator relays. It decides nothing about trust: every
 * bank checks each card and endorsement against its own pins, so a lie here only gets refused.
 */
@Injectable()
export class MemberDirectoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  static card(p: Participant): MemberCard {
    return {
      participantId: p.id,
      displayName: p.displayName,
      signPublicKey: bytes(p.signingPublicKey),
      boxPublicKey: bytes(p.boxPublicKey),
      boxKeySignature: bytes(p.boxKeySignature),
    };
  }

  async cards(federationId: string): Promise<MemberCard[]> {
    const members = await this.db
      .getRepository(Participant)
      .find({ where: { federationId, status: 'active' }, order: { id: 'ASC' } });
    return members.map(MemberDirectoryService.card);
  }

  async endorsements(federationId: string): Promise<Endorsement[]> {
    const rows = await this.db
      .getRepository(EndorsementRecord)
      .find({ where: { federationId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => ({
      federationId,
      subjectSignPublicKey: bytes(r.subjectSigningPublicKey),
      subjectDisplayName: r.subjectDisplayName,
      endorserSignPublicKey: bytes(r.endorserSigningPublicKey),
      signature: bytes(r.signature),
    }));
  }

  /** Keeps an endorsement signed by the authenticated member itself, of another active member. */
  async endorse(endorser: Participant, e: Endorsement): Promise<void> {
    if (hex(e.endorserSignPublicKey) !== endorser.signingPublicKey) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'ENDORSEMENT_NOT_OWN',
        'a member can only submit its own endorsements',
      );
    }
    if (e.federationId !== endorser.federationId || !endorsementValid(e)) {
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_ENDORSEMENT', 'the endorsement signature does not verify');
    }
    const subjectKey = hex(e.subjectSignPublicKey);
    if (subjectKey === endorser.signingPublicKey) {
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_ENDORSEMENT', 'a member cannot endorse itself');
    }
    const subject = await this.db
      .getRepository(Participant)
      .findOne({ where: { federationId: e.federationId, signingPublicKey: subjectKey, status: 'active' } });
    if (!subject) {
      throw new SyndicateError(
        'NOT_FOUND',
        'UNKNOWN_PARTICIPANT',
        'no active member of this federation has that signing key',
      );
    }
    await this.db.transaction(async (em) => {
      const repo = em.getRepository(EndorsementRecord);
      const where = {
        federationId: e.federationId,
        subjectSigningPublicKey: subjectKey,
        endorserSigningPublicKey: endorser.signingPublicKey,
      };
      const existing = await repo.findOne({ where });
      const row = repo.create({
        id: existing?.id ?? newId('end'),
        ...where,
        subjectDisplayName: e.subjectDisplayName.slice(0, 128),
        signature: hex(e.signature),
        createdAt: existing?.createdAt ?? this.clock.now(),
      });
      await repo.save(row);
      await this.audit.recordIn(em, {
        actor: endorser.id,
        action: 'member.endorsed',
        federationId: e.federationId,
        subject: subject.id,
        detail: { endorser: endorser.displayName, subject: subject.displayName, as: row.subjectDisplayName },
      });
    });
  }
}
