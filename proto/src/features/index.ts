export * from './card-behaviour';
export * from './bounded-card-store';
