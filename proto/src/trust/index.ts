export * from './signed-statement';
export * from './fingerprint';
export * from './member-card';
export * from './endorsement';
export * from './epoch-manifest';
export * from './contribution-statement';
export * from './sum-acceptance';
export * from './trust-wire';
