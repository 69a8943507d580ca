import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Envelope__Output } from '@syndicate/protocol';
import { In, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { EnrollmentService, type EnrollInput, type Invitation } from './enrollment.service';
import { EnvelopeAuthenticator, type ExpectedContext } from './envelope-authenticator.service';
import { Participant } from './participant.entity';

export { ENVELOPE_MAX_SKEW_MS, type ExpectedContext } from './envelope-authenticator.service';
export type { EnrollInput, Invitation } from './enrollment.service';

/** The member roster; enrollment and message authentication are their own services, reached through here. */
@Injectable()
export class ParticipantsService {
  constructor(
    @InjectRepository(Participant) private readonly repo: Repository<Participant>,
    private readonly federations: FederationsService,
    private readonly enrollment: EnrollmentService,
    private readonly authenticator: EnvelopeAuthenticator,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  invite(federationId: string, displayName: string, actor: string, ttlSeconds?: number): Promise<Invitation> {
    return this.enrollment.invite(federationId, displayName, actor, ttlSeconds);
  }

  /** Redeems a one-time token for a participant identity bound to the bank's public keys. */
  enroll(request: EnrollInput): Promise<Participant> {
    return this.enrollment.enroll(request);
  }

  authenticate(envelope: Envelope__Output | null | undefined, expected: ExpectedContext): Promise<Participant> {
    return this.authenticator.authenticate(envelope, expected);
  }

  pruneNonces(): Promise<void> {
    return this.authenticator.pruneNonces();
  }

  async list(federationId: string): Promise<Participant[]> {
    await this.federations.entity(federationId);
    return this.repo.find({ where: { federationId }, order: { enrolledAt: 'ASC' } });
  }

  async byIds(ids: string[]): Promise<Participant[]> {
    return ids.length ? this.repo.find({ where: { id: In(ids) }, order: { id: 'ASC' } }) : [];
  }

  async active(federationId: string): Promise<Participant[]> {
    return this.repo.find({ where: { federationId, status: 'active' } });
  }

  /** Cuts a bank off at its next message; the next round deals a new key epoch without it. */
  async revoke(federationId: string, id: string, actor: string): Promise<Participant> {
    const p = await this.get(id);
    if (p.federationId !== federationId)
      throw new SyndicateError(
        'NOT_FOUND',
        'PARTICIPANT_NOT_FOUND',
        `participant ${id} is not in federation ${federationId}`,
      );
    if (p.status !== 'revoked') {
      await this.repo.manager.transaction(async (em) => {
        await em.getRepository(Participant).update({ id }, { status: 'revoked' });
        await this.audit.recordIn(em, {
          actor,
          action: 'participant.revoked',
          federationId,
          subject: id,
          detail: { displayName: p.displayName },
        });
      });
      p.status = 'revoked';
      this.log.warn({ federationId, participantId: id }, 'participant revoked');
    }
    return p;
  }

  async get(id: string): Promise<Participant> {
    const p = await this.repo.findOne({ where: { id } });
    if (!p) throw new SyndicateError('NOT_FOUND', 'PARTICIPANT_NOT_FOUND', `participant ${id} does not exist`);
    return p;
  }
}
