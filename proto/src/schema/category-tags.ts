import { createHmac } from 'crypto';
import nacl from 'tweetnacl';

/**
 * How category names travel while the consortium builds its shared index: as tags (HMAC-SHA256 keyed
 * by a key derived from the federation's epoch secret, so only members can compute or test them) next
 * to the name sealed under another epoch-derived key (secretbox). The coordinator dedupes tags into the
 * index without learning a name, and cannot test guesses ("is 'Zurich' a value?") without the key.
 * Members open the names, but only names seen at least k times consortium-wide enter the plan.
 */
const derive = (epochSecret: Uint8Array, label: string): Uint8Array =>
  nacl
    .hash(new Uint8Array(Buffer.concat([Buffer.from(`syndicate/v1/${label}`), Buffer.from(epochSecret)])))
    .subarray(0, 32);

/** A category's tag: the same at every member of the epoch for the same column and value. */
export function categoryTag(epochSecret: Uint8Array, column: string, value: string): string {
  return createHmac('sha256', derive(epochSecret, 'schema-category-tag'))
    .update(JSON.stringify([column, value]))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The category's name, sealed so that only members of the epoch can read it. The nonce is derived from
 * the name (synthetic-IV style): the same name always seals the same, so a member that sends its names
 * again after a restart sends byte-identical names, and nonces never repeat across different names.
 */
export function sealCategoryName(epochSecret: Uint8Array, value: string): string {
  const key = derive(epochSecret, 'schema-category-name');
  const nonce = createHmac('sha256', key).update(value, 'utf8').digest().subarray(0, nacl.secretbox.nonceLength);
  const box = nacl.secretbox(new Uint8Array(Buffer.from(value, 'utf8')), new Uint8Array(nonce), key);
  return Buffer.concat([Buffer.from(nonce), Buffer.from(box)]).toString('base64');
}

/**
 * Opens a sealed name and checks it against its tag: a member that sealed another name than the one
 * it tagged is caught here, never written into a plan.
 */
export function openCategoryName(epochSecret: Uint8Array, column: string, tag: string, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  const nonce = bytes.subarray(0, nacl.secretbox.nonceLength);
  const box = bytes.subarray(nacl.secretbox.nonceLength);
  const opened = nacl.secretbox.open(
    new Uint8Array(box),
    new Uint8Array(nonce),
    derive(epochSecret, 'schema-category-name'),
  );
  if (!opened) throw new Error(`column ${column}: a sealed category name does not open under this key epoch`);
  const value = Buffer.from(opened).toString('utf8');
  if (categoryTag(epochSecret, column, value) !== tag)
    throw new Error(`column ${column}: a sealed category name does not match its tag (a member sent a wrong name)`);
  return value;
}

/** What one member sends to build the index: its header and, per column with few enough values, tags with sealed names. */
export interface SchemaNamesContribution {
  columns: string[];
  categories: { column: string; tag: string; name: string }[];
}

/** The shared index: columns every member has, each with the union of tags in a fixed order. */
export interface SchemaIndex {
  columns: { name: string; tags: { tag: string; name: string }[] }[];
  /** Columns some member lacks: they cannot be features, since that member's file would be refused. */
  notEverywhere: string[];
}

/**
 * What the coordinator does with the members' name contributions: intersect the headers, union the
 * tags per column (sorted by tag, which orders nothing by count or by member), keep one sealed name per tag.
 */
export function buildSchemaIndex(contributions: readonly SchemaNamesContribution[]): SchemaIndex {
  if (!contributions.length) throw new Error('no member sent its column names');
  const everywhere = contributions
    .map((c) => new Set(c.columns))
    .reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  const all = [...new Set(contributions.flatMap((c) => c.columns))];
  const columns = all
    .filter((c) => everywhere.has(c))
    .map((name) => {
      const tags = new Map<string, string>();
      for (const c of contributions)
        for (const t of c.categories) if (t.column === name && !tags.has(t.tag)) tags.set(t.tag, t.name);
      return {
        name,
        tags: [...tags.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([tag, n]) => ({ tag, name: n })),
      };
    });
  return { columns, notEverywhere: all.filter((c) => !everywhere.has(c)) };
}
