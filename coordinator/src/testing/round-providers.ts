import type { Provider } from '@nestjs/common';
import { AGGREGATION_PROVIDERS } from '../aggregation/aggregation.module';
import { AuditService } from '../audit/audit.service';
import { EvaluationService } from '../evaluation/evaluation.service';
import { ChampionService } from '../evaluation/champion.service';
import { FederationsService } from '../federations/federations.service';
import { CeremonyRecords } from '../keys/ceremony-records.service';
import { KeyCeremony } from '../keys/key-ceremony.service';
import { KeyCustodyService } from '../keys/key-custody.service';
import { MaskingService } from '../masking/masking.service';
import { MetricsService } from '../metrics/metrics.service';
import { ModelsService } from '../models/models.service';
import { EnrollmentService } from '../participants/enrollment.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { MemberDirectoryService } from '../participants/member-directory.service';
import { ParticipantsService } from '../participants/participants.service';
import { PresenceService } from '../participants/presence.service';
import { TaskHub } from '../tasks/task-hub';
import { LeaderLease } from '../leadership/leader-lease';
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
    EnrollmentService,
    EnvelopeAuthenticator,
    ModelsService,
    ...AGGREGATION_PROVIDERS,
    EvaluationService,
    ChampionService,
    MemberDirectoryService,
    KeyCustodyService,
    KeyCeremony,
    CeremonyRecords,
    StandardizationService,
    PresenceService,
    AuditService,
    MetricsService,
    MaskingService,
    { provide: TaskHub, useValue: hub },
    { provide: LeaderLease, useValue: { isLeader: true } },
  ];
}
