export * from './plan/training-plan';
export * from './plan/model-layout';
export * from './plan/initial-weights';
export * from './grpc/load-protocol';
export * from './grpc/types';
export * from './grpc/signed-payloads';
export * from './wire';
export * from './he';
