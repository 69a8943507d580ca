export * from './errors';
export * from './sha256';
export * from './float32-codec';
export * from './chunking';
export * from './signed-envelope';
export * from './float64-codec';
export * from './contribution-shape';
export * from './audit-head-signature';
