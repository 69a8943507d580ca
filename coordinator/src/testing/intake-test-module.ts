import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import {
  generateBoxKeyPair,
  generateSigningKeyPair,
  signEnvelope,
  type EnvelopeFields,
  type Envelope__Output,
  type KeyPair,
  signBoxKey,
} from '@syndicate/protocol';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { Clock } from '../common/clock';
import { CoreModule } from '../common/core.module';
import { newId } from '../common/ids';
import { DEFAULT_CONFIG } from '../config/coordinator-config';
import { ContributionsModule } from '../contributions/contributions.module';
import { dataSourceOptions } from '../database/data-source-options';
import { FederationsModule } from '../federations/federations.module';
import { FederationsService } from '../federations/federations.service';
import { MetricsModule } from '../metrics/metrics.module';
import { ModelsService } from '../models/models.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsModule } from '../participants/participants.module';
import { ParticipantsService } from '../participants/participants.service';
import { Round } from '../rounds/round.entity';

/** A clock tests move by hand. */
export class ManualClock extends Clock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {
    super();
  }
  now(): number {
    return this.ms;
  }
}

/** An enrolled member holding its own signing key, as an agent would. */
export interface TestMember {
  participant: Participant;
  signing: KeyPair;
  sign(
    fields: Omit<EnvelopeFields, 'participantId' | 'federationId' | 'keyEpoch'> & { keyEpoch?: number },
  ): Envelope__Output;
}

export interface IntakeHarness {
  module: TestingModule;
  db: DataSource;
  clock: ManualClock;
  federationId: string;
  /** The federation's initial model, every new round's base. */
  baseModelVersionId: string;
  member(name: string): Promise<TestMember>;
  openRound(overrides?: Partial<Round>): Promise<Round>;
  close(): Promise<void>;
}

/** A plan small enough that its model has a few dozen parameters. */
export function smallPlan(mode: 'plaintext' | 'secure' = 'plaintext', name = 'intake-spec'): unknown {
  return {
    name,
    schema: {
      features: [
        { name: 'a', type: 'numeric' },
        { name: 'b', type: 'numeric' },
      ],
      target: { name: 'y' },
    },
    model: { template: 'mlp', hiddenUnits: [3] },
    aggregation: { mode },
  };
}

/**
 * The participant-facing services over a fresh in-memory SQLite database, built
 * with the real entities and migrations; no gRPC, no round driver.
 */
export async function createIntakeHarness(plan: unknown = smallPlan()): Promise<IntakeHarness> {
  const clock = new ManualClock();
  const config = { ...DEFAULT_CONFIG, databaseUrl: 'sqlite::memory:' };
  const module = await Test.createTestingModule({
    imports: [
      CoreModule.forRoot(config, pino({ level: 'silent' }), clock),
      TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
      AuditModule,
      MetricsModule,
      FederationsModule,
      ParticipantsModule,
      ContributionsModule,
    ],
  }).compile();
  const db = module.get<DataSource>(getDataSourceToken());
  const federation = await module.get(FederationsService).create(plan, 'spec');
  const baseModelVersionId = (await module.get(ModelsService).latest(federation.id)).id;
  const participants = module.get(ParticipantsService);
  let rounds = 0;
  return {
    module,
    db,
    clock,
    federationId: federation.id,
    baseModelVersionId,
    async member(name) {
      const invitation = await participants.invite(federation.id, name, 'spec');
      const signing = generateSigningKeyPair();
      const boxPublicKey = Buffer.from(generateBoxKeyPair().publicKey);
      const participant = await participants.enroll({
        federationId: federation.id,
        token: invitation.token,
        signingPublicKey: Buffer.from(signing.publicKey),
        boxPublicKey,
        boxKeySignature: signBoxKey({ signPublicKey: signing.publicKey, boxPublicKey }, signing.secretKey),
      });
      return {
        participant,
        signing,
        sign: (fields) =>
          signEnvelope(
            { keyEpoch: 0, ...fields, participantId: participant.id, federationId: federation.id },
            signing.secretKey,
            { now: clock.now() },
          ) as unknown as Envelope__Output,
      };
    },
    async openRound(overrides = {}) {
      const repo = db.getRepository(Round);
      return repo.save(
        repo.create({
          id: newId('rnd'),
          federationId: federation.id,
          number: ++rounds,
          state: 'collecting',
          baseModelVersionId,
          minParticipants: 1,
          openedAt: clock.now(),
          deadlineAt: clock.now() + 60_000,
          closedAt: null,
          resultModelVersionId: null,
          failureReason: null,
          mode: 'plaintext',
          keyEpoch: 0,
          countDeadlineAt: null,
          publisherId: null,
          failureCode: null,
          scheduleId: null,
          scheduleSeq: null,
          mustFinishBy: null,
          pausedAt: null,
          ...overrides,
        }),
      );
    },
    close: () => module.close(),
  };
}

/** A bare in-memory SQLite database with the real migrations, for specs of one repository-level unit. */
export function memoryDataSource(): Promise<DataSource> {
  return new DataSource(dataSourceOptions('sqlite::memory:')).initialize();
}
