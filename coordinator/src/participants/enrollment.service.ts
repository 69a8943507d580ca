import { createHash, randomBytes } from 'crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { boxKeySignatureValid } from '@syndicate/protocol';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { currentCall } from '../common/call-context';
import { enrollmentTokenRefusal, tokenUsed } from './enrollment-token-check';
import { EnrollmentToken } from './enrollment-token.entity';
import { Participant } from './participant.entity';

const DEFAULT_INVITE_TTL_S = 7 * 24 * 3600;

export interface Invitation {
  federationId: string;
  displayName: string;
  /** Shown once; only its hash is stored. */
  token: string;
  expiresAt: number;
}

export interface EnrollInput {
  federationId: string;
  token: string;
  signingPublicKey: Uint8Array;
  boxPublicKey: Uint8Array;
  /** The signing key's signature over the box key (see proto/src/trust/member-card.ts). */
  boxKeySignature: Uint8Array;
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Invitations and their one-time redemption into an enrolled identity. */
@Injectable()
export class EnrollmentService {
  constructor(
    @InjectRepository(Participant) private readonly repo: Repository<Participant>,
    @InjectRepository(EnrollmentToken) private readonly tokens: Repository<EnrollmentToken>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async invite(
    federationId: string,
    displayName: string,
    actor: string,
    ttlSeconds = DEFAULT_INVITE_TTL_S,
  ): Promise<Invitation> {
    await this.federations.entity(federationId);
    if (await this.repo.findOne({ where: { federationId, displayName } })) {
      throw new SyndicateError(
        'ALREADY_EXISTS',
        'PARTICIPANT_EXISTS',
        `a participant named "${displayName}" is already enrolled in ${federationId}`,
      );
    }
    const token = `syn_enr_${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.clock.now() + ttlSeconds * 1000;
    await this.db.transaction(async (em) => {
      const tokens = em.getRepository(EnrollmentToken);
      await tokens.save(
        tokens.create({
          tokenSha256: sha256Hex(token),
          federationId,
          displayName,
          expiresAt,
          usedAt: null,
          participantId: null,
        }),
      );
      // The token's hash prefix lets an auditor tie this invitation to the enrollment that used it.
      await this.audit.recordIn(em, {
        actor,
        action: 'participant.invited',
        federationId,
        subject: displayName.slice(0, 64),
        detail: { displayName, expiresAt, tokenSha256Prefix: sha256Hex(token).slice(0, 12) },
      });
    });
    return { federationId, displayName, token, expiresAt };
  }

  /** Redeems a one-time token for a participant identity bound to the bank's public keys. */
  async enroll(request: EnrollInput): Promise<Participant> {
    // The invitation already names the federation; an agent may leave it out.
    const input = request.federationId
      ? request
      : { ...request, federationId: await this.federationOfToken(request.token) };
    await this.federations.entity(input.federationId);
    if (input.signingPublicKey.length !== 32 || input.boxPublicKey.length !== 32) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_PUBLIC_KEY',
        'signing and box public keys must be 32 bytes each (Ed25519, X25519)',
      );
    }
    const card = { signPublicKey: input.signingPublicKey, boxPublicKey: input.boxPublicKey };
    if (
      !boxKeySignatureValid({ ...card, participantId: '', displayName: '', boxKeySignature: input.boxKeySignature })
    ) {
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_BOX_KEY_SIGNATURE',
        'the box key must be signed by the signing key (box_key_signature); upgrade the agent and enroll again',
      );
    }
    const participant = await this.redeem(input).catch(async (err: unknown) => {
      if (err instanceof SyndicateError) {
        await this.audit.record({
          actor: 'anonymous',
          action: 'enrollment.rejected',
          federationId: input.federationId,
          detail: { reason: err.reason, tokenSha256Prefix: sha256Hex(input.token).slice(0, 12) },
        });
      }
      throw err;
    });
    this.log.info(
      { federationId: participant.federationId, participantId: participant.id, name: participant.displayName },
      'participant enrolled',
    );
    return participant;
  }

  private async federationOfToken(token: string): Promise<string> {
    const row = await this.tokens.findOne({ where: { tokenSha256: sha256Hex(token) } });
    if (!row) {
      await this.audit.record({
        actor: 'anonymous',
        action: 'enrollment.rejected',
        detail: { reason: 'UNKNOWN_ENROLLMENT_TOKEN', tokenSha256Prefix: sha256Hex(token).slice(0, 12) },
      });
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'UNKNOWN_ENROLLMENT_TOKEN',
        'enrollment token is not known to this coordinator; check the token and the coordinator address, or ask the consortium admin for a new invitation',
      );
    }
    return row.federationId;
  }

  /** Token check and identity creation in one transaction: a token can never enroll two agents. */
  private redeem(input: EnrollInput): Promise<Participant> {
    return this.db.transaction(async (em) => {
      const tokens = em.getRepository(EnrollmentToken);
      const row = await tokens.findOne({ where: { tokenSha256: sha256Hex(input.token) } });
      const refused = enrollmentTokenRefusal(row, input.federationId, this.clock.now());
      if (refused || !row) throw refused;
      const p = em.getRepository(Participant).create({
        id: newId('prt'),
        federationId: input.federationId,
        displayName: row.displayName,
        signingPublicKey: Buffer.from(input.signingPublicKey).toString('hex'),
        boxPublicKey: Buffer.from(input.boxPublicKey).toString('hex'),
        boxKeySignature: Buffer.from(input.boxKeySignature).toString('hex'),
        status: 'active',
        enrolledAt: this.clock.now(),
        lastSeenAt: null,
        clientCertSha256: currentCall()?.clientCertSha256 ?? null,
      });
      await em.getRepository(Participant).save(p);
      // Compare-and-set: of two agents racing with one token, exactly one gets it.
      const claimed = await tokens.update(
        { tokenSha256: row.tokenSha256, usedAt: IsNull() },
        { usedAt: this.clock.now(), participantId: p.id },
      );
      if (!claimed.affected) throw tokenUsed();
      await this.audit.recordIn(em, {
        actor: p.id,
        action: 'participant.enrolled',
        federationId: p.federationId,
        subject: p.id,
        detail: {
          displayName: p.displayName,
          signingPublicKey: p.signingPublicKey,
          boxPublicKey: p.boxPublicKey,
          tokenSha256Prefix: sha256Hex(input.token).slice(0, 12),
        },
      });
      return p;
    });
  }

  /** Nonces older than the skew window can no longer pass the freshness check. */
}
