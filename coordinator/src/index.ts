export { startCoordinator, type RunningCoordinator } from './coordinator-app';
export { loadCoordinatorConfig, ConfigError, type CoordinatorConfig } from './config/coordinator-config';
export { fedAvg, fedAvgInit, fedAvgAdd, fedAvgFinalize, fedAvgStrategy } from './aggregation/fedavg';
export type { AggregationStrategy } from './aggregation/aggregation-strategy';
export { decideClose, canTransition, type RoundState } from './rounds/round-state-machine';
export { AdminClient, AdminApiError } from "./simulate/admin-client";
export { runSimulation, type SimulationOptions, type SimulationResult, type SimulationEvent } from "./simulate/simulation";
export { dataSourceOptions } from './database/data-source-options';
