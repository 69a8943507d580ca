export { startCoordinator, type RunningCoordinator } from './coordinator-app';
export { loadCoordinatorConfig, ConfigError, type CoordinatorConfig } from './config/coordinator-config';
export { fedAvg, fedAvgInit, fedAvgAdd, fedAvgFinalize, fedAvgStrategy } from './aggregation/fedavg';
export type { AggregationStrategy } from './aggregation/aggregation-strategy';
export { decideClose, canTransition, type RoundState } from './rounds/round-state-machine';
export type { RoundView } from './rounds/rounds.service';
export type { EvaluationView } from './evaluation/evaluation.service';
export { AdminClient, AdminApiError, type AdminClientOptions, type AuditEntryView } from './client/admin-client';
export { ApiTokensService } from './access/api-tokens.service';
export { ROLES, type Role } from './access/roles';
export { Clock } from './common/clock';
export {
  runSimulation,
  type SimulationOptions,
  type SimulationResult,
  type SimulationEvent,
} from './simulate/simulation';
export { dataSourceOptions } from './database/data-source-options';
export { initDatabase, type InitResult } from './init/init-database';
export { routeCatalog, type RouteInfo } from './access/route-catalog';
export { makeDevPki, writeDevPki, type DevPki, type PemPair } from './certs/dev-ca';
export { AuditService } from './audit/audit.service';
export { auditHash, GENESIS_HASH } from './audit/audit-chain';
export { MetricsService } from './metrics/metrics.service';
