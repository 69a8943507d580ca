import { Test, type TestingModule } from '@nestjs/testing';
import type { Provider, Type } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import {
  generateBoxKeyPair,
  generateSigningKeyPair,
  signBoxKey,
  type Task,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { CoreModule } from '../common/core.module';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { dataSourceOptions } from '../database/data-source-options';
import { ENTITIES } from '../database/entities';
import { Participant } from '../participants/participant.entity';
import { TaskHub } from '../tasks/task-hub';

/** A clock a spec moves by hand: deadlines pass when the spec says so, never by waiting. */
export class FakeClock extends Clock {
  constructor(private t = Date.UTC(2026, 0, 1)) {
    super();
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Records what would reach connected agents instead of streaming it. */
export class RecordingTaskHub extends TaskHub {
  readonly pushed: { participantId: string; task: Task }[] = [];
  readonly online = new Set<string>();
  override push(participantId: string, task: Task): boolean {
    this.pushed.push({ participantId, task });
    return true;
  }
  override connectedIds(): string[] {
    return [...this.online];
  }
  override connected(): string[] {
    return [...this.online];
  }
  override isConnected(participantId: string): boolean {
    return this.online.has(participantId);
  }
  /** Task types pushed to one member, in order. */
  typesFor(participantId: string): string[] {
    return this.pushed.filter((p) => p.participantId === participantId).map((p) => String(p.task.type));
  }
}

export interface ServiceTestModule {
  module: TestingModule;
  db: DataSource;
  clock: FakeClock;
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

/**
 * A Nest testing module on in-memory SQLite with the real entities and migrations:
 * the services under test are real, and only what a spec isolates is replaced
 * (pass `{ provide: X, useValue: fake }` among the providers).
 */
export async function serviceTestModule(o: {
  providers: Provider[];
  clock?: FakeClock;
  config?: Partial<CoordinatorConfig>;
}): Promise<ServiceTestModule> {
  const clock = o.clock ?? new FakeClock();
  const config = { databaseUrl: 'sqlite::memory:', tickMs: 1000, ...o.config } as CoordinatorConfig;
  const module = await Test.createTestingModule({
    imports: [
      CoreModule.forRoot(config, pino({ level: 'silent' }), clock),
      TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
      TypeOrmModule.forFeature(ENTITIES),
    ],
    providers: o.providers,
  }).compile();
  await module.init();
  return {
    module,
    db: module.get<DataSource>(getDataSourceToken()),
    clock,
    get: <T>(type: Type<T>) => module.get<T>(type),
    close: () => module.close(),
  };
}

/** A small valid plan: two numeric features, logistic regression. */
export function testPlan(
  o: { name?: string; minParticipants?: number; mode?: 'plaintext' | 'secure' } = {},
): TrainingPlanInput {
  return {
    name: o.name ?? 'spec-plan',
    seed: 1,
    schema: {
      features: [
        { name: 'income', type: 'numeric', center: 10, scale: 1 },
        { name: 'age', type: 'numeric', center: 40, scale: 10 },
      ],
      target: { name: 'default' },
    },
    model: { template: 'logistic_regression' },
    training: { epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.01 },
    // Secure federations need a quorum of at least 3; plaintext keeps its historical 2.
    rounds: {
      minParticipants: o.minParticipants ?? (o.mode === 'secure' ? 3 : 2),
      maxParticipants: 16,
      deadlineSeconds: 60,
    },
    aggregation: { strategy: 'fedavg', mode: o.mode ?? 'plaintext' },
    holdout: { fraction: 0.2, seed: 7 },
  } as TrainingPlanInput;
}

/** Active members stored directly (enrolment has its own specs). */
/** Each test member's secret keys, so a spec can sign as it (deal, endorse) the way its agent would. */
export interface TestMemberKeys {
  signSecretKey: Uint8Array;
  signPublicKey: Uint8Array;
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
}
const memberKeys = new Map<string, TestMemberKeys>();
export const testMemberKeys = (federationId: string, id: string): TestMemberKeys => {
  const k = memberKeys.get(`${federationId}:${id}`);
  if (!k) throw new Error(`no test member ${id} in ${federationId}`);
  return k;
};

export async function addMembers(db: DataSource, federationId: string, ids: string[], at: number): Promise<void> {
  const repo = db.getRepository(Participant);
  for (const id of ids) {
    const s = generateSigningKeyPair();
    const b = generateBoxKeyPair();
    const keys = {
      signSecretKey: s.secretKey,
      signPublicKey: s.publicKey,
      boxPublicKey: b.publicKey,
      boxSecretKey: b.secretKey,
    };
    memberKeys.set(`${federationId}:${id}`, keys);
    await repo.insert({
      id,
      federationId,
      displayName: id,
      signingPublicKey: Buffer.from(s.publicKey).toString('hex'),
      boxPublicKey: Buffer.from(b.publicKey).toString('hex'),
      boxKeySignature: Buffer.from(
        signBoxKey({ signPublicKey: s.publicKey, boxPublicKey: b.publicKey }, s.secretKey),
      ).toString('hex'),
      status: 'active',
      enrolledAt: at,
      lastSeenAt: null,
    });
  }
}
