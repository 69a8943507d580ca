import {
  addDigests,
  categoryTag,
  decodeSchemaFields,
  encodeSchemaFields,
  mergeSchema,
  openCategoryName,
  parseSchemaIndex,
  payloadDigest,
  planSecureSpec,
  proveContribution,
  sealCategoryName,
  statementFromWire,
  sumDigestKey,
  type DataSchema,
  type MergedColumn,
  type MergeOptions,
  type SchemaIndex,
  type TrainingPlan,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import type { KeyRing } from '../crypto/key-ring';
import { tallyCsv } from '../data/schema-tallies';
import type { MemberTrust } from '../trust/member-trust';
import { admitSum } from '../trust/sum-gate';
import { TrustRefusal } from '../trust/trust-refusal';
import { CoordinatorCallError } from './rpc-calls';
import type { SchemaCollectionClient, SchemaCollectionState } from './schema-collection-client';

export const SCHEMA_KIND = 'schema';

export interface ProposalOptions {
  identity: AgentIdentity;
  client: SchemaCollectionClient;
  keys: Pick<KeyRing, 'get'>;
  trust: MemberTrust;
  minContributors: number;
  /** The plan this member enrolled under: it fixes the HE parameter set and the headroom for members. */
  plan: Pick<TrainingPlan, 'aggregation' | 'rounds'>;
  dataFile: string;
  merge: Omit<MergeOptions, 'minCategoryCount'>;
  collectionId?: string;
  pollMs?: number;
  /** Give up waiting for the other banks after this long. */
  timeoutMs?: number;
  progress?: (message: string) => void;
}

export interface Proposal {
  collectionId: string;
  schema: DataSchema;
  columns: MergedColumn[];
  contributors: number;
  consortiumRows: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * This bank's part in a schema collection, ending with the consortium's proposed schema. What leaves
 * the machine: the header, category tags with names sealed to the members, and the tallies encrypted
 * under the key epoch and signed. The sum is decrypted only once at least `minContributors` trusted
 * members' signed parts are shown and its digest is theirs added up.
 */
export async function proposeConsortiumSchema(o: ProposalOptions): Promise<Proposal> {
  const say = o.progress ?? (() => undefined);
  const deadline = Date.now() + (o.timeoutMs ?? 30 * 60_000);
  const local = await tallyCsv(o.dataFile, {
    target: o.merge.target,
    exclude: o.merge.exclude,
    maxCategories: o.merge.maxCategories,
  });
  say(`${o.dataFile}: ${local.rows} rows tallied locally (${local.columns.length} columns)`);
  let st = await o.client.status(o.collectionId);
  const id = st.collectionId;
  const { key, holder } = await o.keys.get(st.keyEpoch);
  const secret = key.epochSecret;

  const waitFor = async (state: string): Promise<SchemaCollectionState> => {
    while (st.state !== state) {
      if (st.state === 'abandoned' || st.state === 'closed')
        throw new Error(`schema collection ${id} is ${st.state}; ask the admin to start a new one`);
      if (Date.now() > deadline)
        throw new Error(
          `schema collection ${id} is still ${st.state} (${st.namesReceived} names, ${st.talliesReceived} tallies of ${st.members} members); the other banks have not all run schema propose`,
        );
      await sleep(o.pollMs ?? 2000);
      st = await o.client.status(id);
    }
    return st;
  };
  // A member that ran before (and was cut off) finds its step already taken: that is no error.
  const once = async (send: () => Promise<SchemaCollectionState>) => {
    try {
      st = await send();
    } catch (err) {
      if (!(err instanceof CoordinatorCallError && /already sent/.test(err.message))) throw err;
      st = await o.client.status(id);
    }
  };

  if (st.state === 'names') {
    const categories = local.columns.flatMap((column) =>
      [...(local.tallies.get(column)!.counts?.keys() ?? [])].map((value) => ({
        column,
        tag: categoryTag(secret, column, value),
        name: sealCategoryName(secret, value),
      })),
    );
    await once(() => o.client.sendNames(id, JSON.stringify({ columns: local.columns, categories })));
    say(
      `sent ${local.columns.length} column names and ${categories.length} sealed category tags; waiting for the other banks`,
    );
  }
  await waitFor('tallies');
  const index = parseSchemaIndex(st.indexJson);
  const spec = planSecureSpec(o.plan);
  const fields = encodeSchemaFields(index, local.tallies, (c, v) => categoryTag(secret, c, v), spec);
  // Encrypted, not yet pairwise-masked: masking a collection needs a mask session over its members (issue 15).
  const payload = holder.encrypt(fields);
  const at = { federationId: o.identity.federationId, roundId: id, kind: SCHEMA_KIND, keyEpoch: st.keyEpoch };
  const statement = proveContribution({
    rt: holder.rt,
    epochSecret: secret,
    signSecretKey: o.identity.signingSecretKey,
    ...at,
    participantId: o.identity.participantId,
    payload,
  });
  await once(() => o.client.sendTally(id, payload, statement));
  say(`sent the encrypted tallies over ${index.columns.length} shared columns; waiting for the sum`);
  await waitFor('closed');

  const statements = st.statements.map((s) => statementFromWire(o.identity.federationId, s));
  const contributors = await admitSum(
    statements,
    { ...at, participantId: o.identity.participantId, contributed: true },
    o.trust,
    o.minContributors,
  );
  if (
    !payloadDigest(holder.rt, st.sum, sumDigestKey(secret, at)).equals(
      addDigests(
        holder.rt,
        statements.map((s) => s.digest),
      ),
    )
  )
    throw new TrustRefusal(
      'SUM_DIGEST_MISMATCH',
      `schema collection ${id}: the sum is not the sum of the ${contributors.length} tallies listed`,
    );
  const columns = decodeSchemaFields(holder.decrypt(st.sum), index, spec);
  const named = openKeptNames(index, columns, st.minCategoryCount, secret);
  const merged = mergeSchema(named, columns, { ...o.merge, minCategoryCount: st.minCategoryCount });
  const consortiumRows = columns.length ? columns[0].present + columns[0].missing : 0;
  return { collectionId: id, ...merged, contributors: contributors.length, consortiumRows };
}

/** Opens only the names of categories seen at least k times: the rest stay sealed (they go to __other__). */
function openKeptNames(
  index: SchemaIndex,
  columns: ReturnType<typeof decodeSchemaFields>,
  k: number,
  secret: Uint8Array,
): SchemaIndex {
  return {
    ...index,
    columns: index.columns.map((col, i) => ({
      ...col,
      tags: col.tags.map((t, j) => ({
        tag: t.tag,
        name: columns[i].tagCounts[j] >= k ? openCategoryName(secret, col.name, t.tag, t.name) : t.tag,
      })),
    })),
  };
}
