import { describes, epochMs, z } from '../http/openapi-zod';
import { SCHEMA_COLLECTION_STATES, type SchemaCollectionView } from './schema-collection-view';

export const schemaCollectionViewSchema = describes<SchemaCollectionView>()(
  z
    .object({
      id: z.string(),
      federationId: z.string(),
      state: z
        .enum(SCHEMA_COLLECTION_STATES)
        .openapi({ description: 'names → tallies → closed (or abandoned when a new collection replaced it)' }),
      keyEpoch: z.number().int().openapi({ description: 'the key epoch every tally is encrypted under' }),
      minCategoryCount: z
        .number()
        .int()
        .openapi({ description: 'categories seen fewer times consortium-wide go to __other__' }),
      members: z
        .number()
        .int()
        .openapi({ description: 'members expected (the key epoch members active at the start)' }),
      namesReceived: z.number().int(),
      talliesReceived: z.number().int(),
      createdAt: epochMs,
      closedAt: epochMs.nullable(),
    })
    .openapi('SchemaCollection'),
);

export const schemaCollectionListSchema = z.array(schemaCollectionViewSchema);

export const startSchemaCollectionSchema = z
  .object({
    minCategoryCount: z.number().int().min(1).max(1_000_000).default(10),
    /** Abandon a collection still in progress (a member dropped out) and start afresh. */
    replace: z.boolean().default(false),
  })
  .strict();

export type StartSchemaCollection = z.infer<typeof startSchemaCollectionSchema>;
