import {
  advanceCardState,
  advanceCardStateInPlace,
  type CardState,
  type CardStateStore,
  type CardTransaction,
} from '@syndicate/protocol';
import { parseTransaction } from '../data/raw-transaction';
import type { SharedCardStore } from './redis-card-store';
import type { ScoringModel } from './scoring-model';
import type { ScoreReason } from './score-reasons';
import type { FieldProblem } from './transaction-encoder';

export interface ScoreResult {
  card_id: string;
  score: number;
  decision: 'alert' | 'approve';
  threshold: number;
  reasons: ScoreReason[];
  model: string;
}

/** One line of the shadow log: what the champion answered and what the challenger would have. */
export interface ShadowEntry {
  card_id: string;
  ts: number;
  champion: { model: string; score: number };
  challenger: { model: string; score: number } | { model: string; error: string };
}

export type ScoreOutcome = { ok: true; result: ScoreResult } | { ok: false; problems: FieldProblem[] };

/** What one transaction scores against a given history, before anything is recorded. */
interface Evaluation {
  outcome: ScoreOutcome;
  tx?: CardTransaction;
  shadow?: ShadowEntry;
}

/**
 * Scores one transaction against the card's history, then advances the
 * history; a refused request leaves it as it was. The scoring itself is
 * synchronous, so a model swap (a reference assignment between two requests)
 * can never meet a request half-scored. Histories live in memory (`store`) or,
 * for several replicas of one bank, in a shared store (`shared`, Redis): then
 * the state is read, the request scored synchronously against it, and the next
 * state written only if no other replica moved the card meanwhile.
 */
export class ScoringService {
  constructor(
    private champion: ScoringModel,
    private readonly store: CardStateStore,
    readonly threshold: number,
    private challenger?: ScoringModel,
    private readonly onScored?: (score: number, alert: boolean) => void,
    private readonly onShadow?: (entry: ShadowEntry) => void,
    readonly shared?: SharedCardStore,
  ) {
    if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
  }

  get models(): { champion: string; challenger?: string } {
    return { champion: this.champion.version, challenger: this.challenger?.version };
  }

  swapChampion(next: ScoringModel): void {
    this.champion = next;
  }

  setChallenger(next: ScoringModel | undefined): void {
    this.challenger = next;
  }

  /**
   * The in-memory path: one synchronous step. The service owns these states
   * and nothing keeps one past the request, so each is advanced in place.
   */
  score(body: unknown): ScoreOutcome {
    const e = this.evaluate(body, (card) => this.store.get(card));
    if (e.tx) this.store.set(e.tx.cardId, advanceCardStateInPlace(this.store.get(e.tx.cardId), e.tx));
    return this.recorded(e);
  }

  /** The shared-store path (or the in-memory one when there is no shared store). */
  async scoreShared(body: unknown): Promise<ScoreOutcome> {
    const shared = this.shared;
    if (!shared) return this.score(body);
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const parsed = parseTransaction((f) => fields[f]);
    // A request without a usable card id is refused before the store is asked.
    if (!parsed.ok) return this.recorded(this.evaluate(body, () => undefined));
    const e = await shared.update(parsed.tx.cardId, (before) => {
      const r = this.evaluate(body, () => before);
      return { next: r.tx ? advanceCardState(before, r.tx) : undefined, result: r };
    });
    return this.recorded(e);
  }

  private recorded(e: Evaluation): ScoreOutcome {
    if (e.outcome.ok) this.onScored?.(e.outcome.result.score, e.outcome.result.decision === 'alert');
    if (e.shadow) this.onShadow?.(e.shadow);
    return e.outcome;
  }

  private evaluate(body: unknown, history: (cardId: string) => CardState | undefined): Evaluation {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return {
        outcome: {
          ok: false,
          problems: [{ field: '(body)', message: 'must be a JSON object with the transaction fields' }],
        },
      };
    const fields = body as Record<string, unknown>;
    const get = (f: string) => fields[f];
    const champion = this.champion;
    const prepared = champion.prepare(get, history);
    if (!prepared.ok) return { outcome: prepared };
    const { tx, x } = prepared;
    const { score, reasons } = champion.scoreWithReasons(x);
    const alert = score >= this.threshold;
    return {
      tx,
      shadow: this.challenger && this.onShadow ? this.shadow(get, history, tx, champion.version, score) : undefined,
      outcome: {
        ok: true,
        result: {
          card_id: tx.cardId,
          score,
          decision: alert ? 'alert' : 'approve',
          threshold: this.threshold,
          reasons,
          model: champion.version,
        },
      },
    };
  }

  private shadow(
    get: (f: string) => unknown,
    history: (cardId: string) => CardState | undefined,
    tx: CardTransaction,
    championVersion: string,
    championScore: number,
  ): ShadowEntry {
    const c = this.challenger!;
    const p = c.prepare(get, history);
    return {
      card_id: tx.cardId,
      ts: tx.ts,
      champion: { model: championVersion, score: championScore },
      challenger: p.ok
        ? { model: c.version, score: c.scorer.score(p.x) }
        : { model: c.version, error: p.problems.map((q) => `${q.field}: ${q.message}`).join('; ') },
    };
  }
}
