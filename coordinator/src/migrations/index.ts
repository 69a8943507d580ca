import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** In order. Never edit a released migration: add a new one. */
export const MIGRATIONS = [InitialSchema1764000000000];
