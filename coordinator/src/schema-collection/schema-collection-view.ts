import type { SchemaCollection, SchemaCollectionState } from './schema-collection.entity';

/** What the admin (and a member polling) sees of a collection: progress only, never a tag, name or figure. */
export interface SchemaCollectionView {
  id: string;
  federationId: string;
  state: SchemaCollectionState;
  keyEpoch: number;
  minCategoryCount: number;
  members: number;
  namesReceived: number;
  talliesReceived: number;
  createdAt: number;
  closedAt: number | null;
}

export const SCHEMA_COLLECTION_STATES = [
  'names',
  'tallies',
  'closed',
  'abandoned',
] as const satisfies readonly SchemaCollectionState[];

export const memberIdsOf = (c: SchemaCollection): string[] => JSON.parse(c.memberIds) as string[];

export function schemaCollectionView(
  c: SchemaCollection,
  received: { names: number; tallies: number },
): SchemaCollectionView {
  return {
    id: c.id,
    federationId: c.federationId,
    state: c.state,
    keyEpoch: c.keyEpoch,
    minCategoryCount: c.minCategoryCount,
    members: memberIdsOf(c).length,
    namesReceived: received.names,
    talliesReceived: received.tallies,
    createdAt: c.createdAt,
    closedAt: c.closedAt,
  };
}
