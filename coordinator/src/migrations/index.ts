import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { ApiTokens1764100000000 } from './1764100000000-api-tokens';
import { Schedules1764200000000 } from './1764200000000-schedules';
import { FederatedEvaluation1764300000000 } from './1764300000000-federated-evaluation';
import { AuditWitnesses1764400000000 } from './1764400000000-audit-witnesses';
import { MemberTrust1764500000000 } from './1764500000000-member-trust';
import { ModelSelection1764500001000 } from './1764500001000-model-selection';
import { ContributionDigests1764600000000 } from './1764600000000-contribution-digests';
import { ConsoleSessions1764690000000 } from './1764690000000-console-sessions';
import { FeatureMomentsAgreement1764700000000 } from './1764700000000-feature-moments-agreement';
import { MaskSessions1764810000000 } from './1764810000000-mask-sessions';
import { ConfirmedPublication1764800000000 } from './1764800000000-confirmed-publication';
import { SchemaCollections1764817000000 } from './1764817000000-schema-collections';

/** In order. Never edit a released migration: add a new one. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  ApiTokens1764100000000,
  Schedules1764200000000,
  FederatedEvaluation1764300000000,
  AuditWitnesses1764400000000,
  MemberTrust1764500000000,
  ModelSelection1764500001000,
  ContributionDigests1764600000000,
  ConsoleSessions1764690000000,
  FeatureMomentsAgreement1764700000000,
  MaskSessions1764810000000,
  ConfirmedPublication1764800000000,
  SchemaCollections1764817000000,
];
