import { createHash } from 'crypto';
import { z } from 'zod';
import { describeSession, sessionFields, type MaskSession } from './mask-session';
import { statementBytes } from '../trust/signed-statement';

/** Never fewer than 3 shares to rebuild a secret: 1 or 2 colluding banks must not unmask anyone. */
export const MIN_MASKING_THRESHOLD = 3;
/** `shamir-secret-sharing` works in GF(256): at most 255 shares, so at most 255 share holders. */
export const MAX_SHARE_HOLDERS = 255;

/**
 * The plan's masking settings (aggregation.secure.masking). `threshold` is how many share holders
 * must answer to rebuild a member's secret: it bounds both the dropouts a sum survives and the
 * collusion it resists. Default two thirds of the holders, never below 3, and it must exceed half
 * of them (planMasking checks that against the members of each sum). `graph` says who masks with whom: `complete` (Bonawitz et al. 2017) or
 * `sparse` neighbourhoods of `degree` members each (Bell et al. 2020, SecAgg+), cheaper at 100 members.
 */
export const maskingSettingsSchema = z
  .object({
    enabled: z.boolean().default(false),
    threshold: z.number().int().min(MIN_MASKING_THRESHOLD).max(MAX_SHARE_HOLDERS).optional(),
    graph: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('complete') }).strict(),
        z
          .object({
            kind: z.literal('sparse'),
            /** Neighbours per member; even, so the ring of neighbourhoods is symmetric. */
            degree: z
              .number()
              .int()
              .min(4)
              .max(MAX_SHARE_HOLDERS - 1)
              .refine((k) => k % 2 === 0, { message: 'degree must be even (k/2 neighbours on each side of the ring)' }),
          })
          .strict(),
      ])
      .default({ kind: 'complete' }),
  })
  .strict();

export type MaskingSettings = z.infer<typeof maskingSettingsSchema>;

export class MaskingSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaskingSettingsError';
  }
}

/** The settings applied to one session's members: who each member masks with and shares its secrets to. */
export interface MaskingPlan {
  threshold: number;
  /** Each member's neighbours (not itself), symmetric: v in neighbours(u) iff u in neighbours(v). */
  neighbours: ReadonlyMap<string, readonly string[]>;
}

/** Share holders of a member: its neighbours and itself (so a member that survives helps rebuild its own self-mask). */
export const shareHolders = (plan: MaskingPlan, participantId: string): string[] =>
  [participantId, ...(plan.neighbours.get(participantId) ?? [])].sort();

export const defaultThreshold = (holders: number): number =>
  Math.max(MIN_MASKING_THRESHOLD, Math.ceil((2 * holders) / 3));

/**
 * Places members on a ring in an order drawn from the session (not chosen by the coordinator's
 * member list order), each linked to degree/2 members on either side.
 */
function ringNeighbours(session: MaskSession, ids: string[], degree: number): Map<string, string[]> {
  const rank = (id: string) =>
    createHash('sha256')
      .update(statementBytes('syndicate.v1.mask-graph', [...sessionFields(session), id]))
      .digest('hex');
  const ring = [...ids].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
  const out = new Map<string, string[]>();
  ring.forEach((id, i) => {
    const near: string[] = [];
    for (let d = 1; d <= degree / 2; d++)
      near.push(ring[(i + d) % ring.length], ring[(i - d + ring.length) % ring.length]);
    out.set(id, near.sort());
  });
  return out;
}

/** Resolves the settings for the members of one session; throws naming what does not fit and how to fix it. */
export function planMasking(
  settings: MaskingSettings,
  session: MaskSession,
  memberIds: readonly string[],
): MaskingPlan {
  const ids = [...memberIds].sort();
  const where = describeSession(session);
  if (new Set(ids).size !== ids.length) throw new MaskingSettingsError(`${where}: a member id appears twice`);
  if (ids.length < MIN_MASKING_THRESHOLD) {
    throw new MaskingSettingsError(
      `${where}: masking needs at least ${MIN_MASKING_THRESHOLD} members, this sum has ${ids.length}`,
    );
  }
  const graph = settings.graph;
  const sparse = graph.kind === 'sparse' && graph.degree < ids.length - 1;
  const holders = sparse ? graph.degree + 1 : ids.length;
  if (holders > MAX_SHARE_HOLDERS) {
    throw new MaskingSettingsError(
      `${where}: ${holders} share holders exceed ${MAX_SHARE_HOLDERS}; use graph { kind: sparse, degree: 100 } or fewer`,
    );
  }
  const threshold = settings.threshold ?? defaultThreshold(holders);
  if (threshold > holders) {
    throw new MaskingSettingsError(
      `${where}: threshold ${threshold} exceeds the ${holders} share holders of each member; lower aggregation.secure.masking.threshold to at most ${holders}${sparse ? ' or raise the graph degree' : ''}`,
    );
  }
  if (threshold <= holders / 2) {
    throw new MaskingSettingsError(
      `${where}: threshold ${threshold} is not above half the ${holders} share holders; two groups that share no member could then rebuild a member's self-mask and its mask key, unmasking it. Use at least ${Math.floor(holders / 2) + 1}`,
    );
  }
  const neighbours = sparse
    ? ringNeighbours(session, ids, graph.degree)
    : new Map(ids.map((id) => [id, ids.filter((o) => o !== id)]));
  return { threshold, neighbours };
}
