import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Gives every zod schema .openapi() (component names, descriptions); the OpenAPI document is generated from them.
extendZodWithOpenApi(z);

export { z };

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Keys too: mutual assignability alone lets a schema leave out an optional field.
type Same<A, B> = Mutual<A, B> extends true ? Mutual<keyof A, keyof B> : false;

/**
 * Ties a response schema to the type the service returns: the build fails when either gains,
 * loses or retypes a field, so the published document cannot drift from what the code sends.
 * Usage: `export const roundViewSchema = describes<RoundView>()(z.object({ ... }))`.
 */
export const describes =
  <T>() =>
  <S extends z.ZodTypeAny>(
    schema: S & (Same<z.output<S>, T> extends true ? unknown : { schemaDiffersFrom: T; schemaGives: z.output<S> }),
  ): S =>
    schema;

/** Every time in the admin API. */
export const epochMs = z.number().int().openapi({ description: 'milliseconds since the Unix epoch' });

/**
 * `schema | null` for a named (component) schema. zod-to-openapi renders `.nullable()` on one as an
 * allOf that still demands an object, or drops the null; a union renders as `anyOf: [$ref, null]`.
 */
export const orNull = <S extends z.ZodTypeAny>(schema: S) => z.union([schema, z.null()]);
