import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { checkEnvelope, type Envelope__Output, type Phase__Output } from '@syndicate/protocol';
import { LessThan, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { Participant } from './participant.entity';
import { UsedNonce } from './used-nonce.entity';
import { currentCall } from '../common/call-context';
import { checkClientCertificateBinding } from './client-certificate-binding';

export const ENVELOPE_MAX_SKEW_MS = 5 * 60_000;

/** What a signed envelope must be bound to for the call it arrives on. */
export interface ExpectedContext {
  federationId: string;
  roundId?: string;
  phase: Phase__Output;
  payloadSha256?: Uint8Array;
  keyEpoch?: number;
}

/** Turns a signed envelope into an active member, or a refusal with its own reason, audited. */
@Injectable()
export class EnvelopeAuthenticator {
  constructor(
    @InjectRepository(Participant) private readonly repo: Repository<Participant>,
    @InjectRepository(UsedNonce) private readonly nonces: Repository<UsedNonce>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Verifies a signed envelope against the participant's enrolled key and burns its
   * nonce. Every refusal has its own reason code.
   */
  async authenticate(envelope: Envelope__Output | null | undefined, expected: ExpectedContext): Promise<Participant> {
    if (!envelope || !envelope.participantId) {
      throw new SyndicateError('UNAUTHENTICATED', 'MISSING_ENVELOPE', 'request carries no signed envelope');
    }
    const participant = await this.repo.findOne({ where: { id: envelope.participantId } });
    if (!participant) {
      await this.audit.record({
        actor: envelope.participantId.slice(0, 64),
        action: 'message.rejected',
        federationId: expected.federationId,
        subject: envelope.roundId || null,
        detail: { reason: 'UNKNOWN_PARTICIPANT', phase: envelope.phase },
      });
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'UNKNOWN_PARTICIPANT',
        `participant ${JSON.stringify(envelope.participantId.slice(0, 64))} is not enrolled; enroll the agent with an invitation token`,
      );
    }
    if (participant.status !== 'active') {
      await this.audit.record({
        actor: participant.id,
        action: 'message.rejected',
        federationId: participant.federationId,
        subject: envelope.roundId || null,
        detail: { reason: 'PARTICIPANT_REVOKED', phase: envelope.phase },
      });
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'PARTICIPANT_REVOKED',
        `participant ${participant.id} has been revoked`,
      );
    }
    if (participant.federationId !== expected.federationId) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'WRONG_FEDERATION',
        `participant ${participant.id} is not a member of federation ${expected.federationId}`,
      );
    }
    await this.enforceCertificate(participant, envelope.roundId || null);
    const now = this.clock.now();
    const verdict = checkEnvelope(envelope, {
      publicKey: Buffer.from(participant.signingPublicKey, 'hex'),
      expected,
      now,
      maxSkewMs: ENVELOPE_MAX_SKEW_MS,
    });
    if (!verdict.ok) {
      this.log.warn({ participantId: participant.id, reason: verdict.code }, 'envelope rejected');
      await this.audit.record({
        actor: participant.id,
        action: 'message.rejected',
        federationId: participant.federationId,
        subject: envelope.roundId || null,
        detail: {
          reason: `ENVELOPE_${verdict.code}`,
          phase: envelope.phase,
          signature: envelope.signature.toString('hex'),
          payloadSha256: envelope.payloadSha256.toString('hex'),
        },
      });
      throw new SyndicateError('UNAUTHENTICATED', `ENVELOPE_${verdict.code}`, verdict.message);
    }
    const nonce = envelope.nonce.toString('hex');
    try {
      await this.nonces.insert({ nonce, participantId: participant.id, seenAt: now });
    } catch {
      this.log.warn({ participantId: participant.id }, 'replayed envelope rejected');
      await this.audit.record({
        actor: participant.id,
        action: 'message.rejected',
        federationId: participant.federationId,
        subject: envelope.roundId || null,
        detail: { reason: 'ENVELOPE_REPLAYED', phase: envelope.phase, signature: envelope.signature.toString('hex') },
      });
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'ENVELOPE_REPLAYED',
        'this signed message was already received once (replayed nonce)',
      );
    }
    participant.lastSeenAt = now;
    await this.repo.update({ id: participant.id }, { lastSeenAt: now });
    return participant;
  }

  /** Nonces older than the skew window can no longer pass the freshness check. */
  async pruneNonces(): Promise<void> {
    await this.nonces.delete({ seenAt: LessThan(this.clock.now() - 2 * ENVELOPE_MAX_SKEW_MS) });
  }

  /** Under mutual TLS, only the certificate a participant enrolled with may speak for it. */
  private async enforceCertificate(p: Participant, subject: string | null): Promise<void> {
    const presented = currentCall()?.clientCertSha256;
    const v = checkClientCertificateBinding(p, presented, presented !== undefined);
    if (v.ok && v.bind) await this.repo.update({ id: p.id }, { clientCertSha256: v.bind });
    if (v.ok) return;
    const where = { actor: p.id, federationId: p.federationId, subject };
    await this.audit.record({ ...where, action: 'message.rejected', detail: { reason: v.reason, presented } });
    throw new SyndicateError('PERMISSION_DENIED', v.reason, v.message);
  }
}
