import type { SecureAggregationSpec } from '../he/secure-update';
import type { SchemaIndex } from './category-tags';

/**
 * What one member knows about one column of its file. It never leaves the member in this form:
 * it is encoded into integer fields (encodeSchemaFields) and encrypted, so the coordinator only
 * adds ciphertexts and members decrypt the consortium total.
 */
export interface ColumnTally {
  present: number;
  missing: number;
  /** Present cells that are not numbers. */
  nonNumeric: number;
  /** Numeric cells below 0 (then log1p is never proposed). */
  negative: number;
  /** Present cells other than 0 and 1. */
  notBinary: number;
  /** Numeric values: count, and sums of x, x^2, x^3 and of log1p(x) and its powers (while no x < 0). */
  n: number;
  sum: number;
  sumSq: number;
  sumCube: number;
  logSum: number;
  logSumSq: number;
  logSumCube: number;
  /** Count per category value (present cells); undefined once the column has too many values to list. */
  counts?: ReadonlyMap<string, number>;
}

/** The consortium's column: the same tallies summed, with counts per index tag and the rows outside every tag. */
export type ConsortiumColumn = Omit<ColumnTally, 'counts'> & { tagCounts: number[]; untagged: number };

const SCALE_BITS = 20;
/** 2^107 after scaling: sums of cubes of six-figure balances over millions of rows still fit. */
const MAX_BITS = 128;
const COUNT_BITS = 48;

type Slot = { key: keyof Omit<ColumnTally, 'counts'>; signed: boolean; scaled: boolean };
const SLOTS: Slot[] = [
  { key: 'present', signed: false, scaled: false },
  { key: 'missing', signed: false, scaled: false },
  { key: 'nonNumeric', signed: false, scaled: false },
  { key: 'negative', signed: false, scaled: false },
  { key: 'notBinary', signed: false, scaled: false },
  { key: 'n', signed: false, scaled: false },
  { key: 'sum', signed: true, scaled: true },
  { key: 'sumSq', signed: false, scaled: true },
  { key: 'sumCube', signed: true, scaled: true },
  { key: 'logSum', signed: false, scaled: true },
  { key: 'logSumSq', signed: false, scaled: true },
  { key: 'logSumCube', signed: true, scaled: true },
];

const limbs = (s: SecureAggregationSpec, bits: number) => Math.ceil(bits / s.bits);
/** A signed sum travels as its positive and its negative part, each non-negative, so the sum of members stays exact. */
const slotFields = (s: SecureAggregationSpec, slot: Slot) =>
  (slot.signed ? 2 : 1) * limbs(s, slot.scaled ? MAX_BITS : COUNT_BITS);

/** Fields one column takes: its tallies, one count per tag and the untagged rows. */
const columnFields = (s: SecureAggregationSpec, tags: number) =>
  SLOTS.reduce((n, slot) => n + slotFields(s, slot), 0) + (tags + 1) * limbs(s, COUNT_BITS);

/** Fields of a schema contribution over an index (every member derives the same number). */
export const schemaFieldCount = (s: SecureAggregationSpec, index: SchemaIndex): number =>
  index.columns.reduce((n, c) => n + columnFields(s, c.tags.length), 0);

function toBig(x: number, scaled: boolean, what: string): bigint {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${what} must be finite and non-negative, got ${x}`);
  const v = BigInt(Math.round(scaled ? x * 2 ** SCALE_BITS : x));
  if (v >= 1n << BigInt(scaled ? MAX_BITS : COUNT_BITS)) throw new RangeError(`${what} ${x} is too large to encode`);
  return v;
}

/**
 * This member's tallies as integer fields in index order. Category counts go to the tag the member
 * computed for each value; a value whose tag is not in the index (it cannot happen for honest members)
 * or a column without a count list adds to the column's untagged rows.
 */
export function encodeSchemaFields(
  index: SchemaIndex,
  tallies: ReadonlyMap<string, ColumnTally>,
  tagOf: (column: string, value: string) => string,
  s: SecureAggregationSpec,
): Uint32Array {
  const out = new Uint32Array(schemaFieldCount(s, index));
  const mask = (1n << BigInt(s.bits)) - 1n;
  let at = 0;
  const put = (v: bigint, bits: number) => {
    for (let j = 0; j < limbs(s, bits); j++) {
      out[at++] = Number(v & mask);
      v >>= BigInt(s.bits);
    }
  };
  for (const col of index.columns) {
    const t = tallies.get(col.name);
    if (!t) throw new Error(`column ${col.name} is in the consortium index but not in this member's profile`);
    for (const slot of SLOTS) {
      const x = t[slot.key];
      const bits = slot.scaled ? MAX_BITS : COUNT_BITS;
      const what = `column ${col.name} ${slot.key}`;
      if (slot.signed) {
        put(toBig(Math.max(0, x), slot.scaled, what), bits);
        put(toBig(Math.max(0, -x), slot.scaled, what), bits);
      } else put(toBig(x, slot.scaled, what), bits);
    }
    const position = new Map(col.tags.map((g, i) => [g.tag, i]));
    const counts = new Array<number>(col.tags.length).fill(0);
    let untagged = t.counts ? 0 : t.present;
    for (const [value, c] of t.counts ?? []) {
      const i = position.get(tagOf(col.name, value));
      if (i === undefined) untagged += c;
      else counts[i] += c;
    }
    for (const c of counts) put(toBig(c, false, `column ${col.name} category count`), COUNT_BITS);
    put(toBig(untagged, false, `column ${col.name} untagged rows`), COUNT_BITS);
  }
  return out;
}

/** The consortium's columns from the decrypted field sums (limbs recombined exactly in BigInt). */
export function decodeSchemaFields(
  fieldSums: ArrayLike<number>,
  index: SchemaIndex,
  s: SecureAggregationSpec,
): ConsortiumColumn[] {
  if (fieldSums.length !== schemaFieldCount(s, index))
    throw new RangeError(`schema sum has ${fieldSums.length} fields, expected ${schemaFieldCount(s, index)}`);
  let at = 0;
  const take = (bits: number, scaled: boolean): number => {
    const L = limbs(s, bits);
    let v = 0n;
    for (let j = L - 1; j >= 0; j--) {
      const limb = fieldSums[at + j];
      if (!Number.isSafeInteger(limb) || limb < 0)
        throw new RangeError(`schema sum field ${at + j} is ${limb}: the sum is corrupt`);
      v = (v << BigInt(s.bits)) + BigInt(limb);
    }
    at += L;
    return scaled ? Number(v) / 2 ** SCALE_BITS : Number(v);
  };
  return index.columns.map((col) => {
    const c: Partial<ConsortiumColumn> = {};
    for (const slot of SLOTS) {
      const bits = slot.scaled ? MAX_BITS : COUNT_BITS;
      c[slot.key] = slot.signed ? take(bits, slot.scaled) - take(bits, slot.scaled) : take(bits, slot.scaled);
    }
    const tagCounts = col.tags.map(() => take(COUNT_BITS, false));
    return { ...(c as Omit<ConsortiumColumn, 'tagCounts' | 'untagged'>), tagCounts, untagged: take(COUNT_BITS, false) };
  });
}
