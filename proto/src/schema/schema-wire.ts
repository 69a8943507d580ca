import { z } from 'zod';
import type { SchemaIndex, SchemaNamesContribution } from './category-tags';

const column = z.string().min(1).max(256);
const tag = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a 22-character category tag');
/** nonce (24 bytes) + secretbox of a name up to 256 bytes, base64. */
const sealed = z
  .string()
  .min(1)
  .max(400)
  .regex(/^[A-Za-z0-9+/]+=*$/, 'must be base64');

/** What a member may send to build the index: tags and sealed names, nothing in the clear but its header. */
export const schemaNamesSchema = z
  .object({
    columns: z.array(column).min(1).max(10000),
    categories: z.array(z.object({ column, tag, name: sealed }).strict()).max(200000),
  })
  .strict()
  .superRefine((c, ctx) => {
    const columns = new Set(c.columns);
    if (columns.size !== c.columns.length)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['columns'], message: 'a column is listed twice' });
    const unknown = [...new Set(c.categories.map((x) => x.column).filter((x) => !columns.has(x)))];
    for (const name of unknown)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['categories'], message: `column ${name} is not in columns` });
  });

export const schemaIndexSchema = z
  .object({
    columns: z.array(z.object({ name: column, tags: z.array(z.object({ tag, name: sealed }).strict()) }).strict()),
    notEverywhere: z.array(column),
  })
  .strict();

/** Parses a names contribution, listing every problem once. */
export function parseSchemaNames(json: string): { value?: SchemaNamesContribution; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { problems: ['names_json is not valid JSON'] };
  }
  const r = schemaNamesSchema.safeParse(raw);
  if (r.success) return { value: r.data, problems: [] };
  return { problems: [...new Set(r.error.issues.map((i) => `${i.path.join('.') || '(names)'}: ${i.message}`))] };
}

/** The index as the coordinator serves it; a member refuses one that does not parse. */
export function parseSchemaIndex(json: string): SchemaIndex {
  return schemaIndexSchema.parse(JSON.parse(json));
}
