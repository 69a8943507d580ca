export * from './server-optimizer-strategy';
export * from './adaptive-moments';
export * from './fedavg';
export * from './fedadam';
export * from './fedyogi';
export * from './registry';
