export * from './feature-stats-contribution';
