export * from './federated-metrics';
export * from './score-histogram';
export * from './histogram-metrics';
export * from './exact-metrics';
export * from './evaluation-contribution';
export * from './fraud-metrics';
export * from './model-selection';
