import type { Provider } from '@nestjs/common';
import { AccumulatorRegistry } from '../aggregation/accumulators/accumulator-registry';
import { EncryptedAccumulator } from '../aggregation/accumulators/encrypted.accumulator';
import { PlaintextFieldsAccumulator } from '../aggregation/accumulators/plaintext-fields.accumulator';
import { PlaintextFloatAccumulator } from '../aggregation/accumulators/plaintext-float.accumulator';
import { AGGREGATION_STRATEGY } from '../aggregation/aggregation-tokens';
import { AggregationService } from '../aggregation/aggregation.service';
import { fedAvgStrategy } from '../aggregation/fedavg';
import { AuditService } from '../audit/audit.service';
import { EvaluationService } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import { CeremonyRecords } from '../keys/ceremony-records.service';
import { KeyCeremony } from '../keys/key-ceremony.service';
import { KeyCustodyService } from '../keys/key-custody.service';
import { MetricsService } from '../metrics/metrics.service';
import { ModelsService } from '../models/models.service';
import { MemberDirectoryService } from '../participants/member-directory.service';
import { ParticipantsService } from '../participants/participants.service';
import { PresenceService } from '../participants/presence.service';
import { TaskHub } from '../participants/task-hub';
import { LeaderLease } from '../rounds/leader-lease';
import { ROUND_SERVICES } from '../rounds/rounds.module';
import { StandardizationService } from '../standardization/standardization.service';

/**
 * Every real service the round engine uses, on the spec's database; the task hub is the
 * spec's (so it sees what agents would get) and this process always holds the lease.
 */
export function roundEngineProviders(hub: TaskHub): Provider[] {
  return [
    ...ROUND_SERVICES,
    FederationsService,
    ParticipantsService,
    ModelsService,
    { provide: AGGREGATION_STRATEGY, useValue: fedAvgStrategy },
    PlaintextFloatAccumulator,
    PlaintextFieldsAccumulator,
    EncryptedAccumulator,
    AccumulatorRegistry,
    AggregationService,
    EvaluationService,
    MemberDirectoryService,
    KeyCustodyService,
    KeyCeremony,
    CeremonyRecords,
    StandardizationService,
    PresenceService,
    AuditService,
    MetricsService,
    { provide: TaskHub, useValue: hub },
    { provide: LeaderLease, useValue: { isLeader: true } },
  ];
}
