import { advanceCardState, type CardStateStore } from '@syndicate/protocol';
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

/**
 * Scores one transaction against the card's history, then advances the
 * history; a refused request leaves it as it was. Synchronous from end to end,
 * so a model swap (a reference assignment between two requests) can never
 * meet a request half-scored.
 */
export class ScoringService {
  constructor(
    private champion: ScoringModel,
    private readonly store: CardStateStore,
    readonly threshold: number,
    private challenger?: ScoringModel,
    private readonly onScored?: (score: number, alert: boolean) => void,
    private readonly onShadow?: (entry: ShadowEntry) => void,
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

  score(body: unknown): ScoreOutcome {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return {
        ok: false,
        problems: [{ field: '(body)', message: 'must be a JSON object with the transaction fields' }],
      };
    const fields = body as Record<string, unknown>;
    const get = (f: string) => fields[f];
    const history = (card: string) => this.store.get(card);
    const champion = this.champion;
    const prepared = champion.prepare(get, history);
    if (!prepared.ok) return prepared;
    const { tx, x } = prepared;
    const { score, reasons } = champion.scoreWithReasons(x);
    const alert = score >= this.threshold;
    if (this.challenger && this.onShadow) this.shadow(get, history, tx.cardId, tx.ts, champion.version, score);
    this.store.set(tx.cardId, advanceCardState(this.store.get(tx.cardId), tx));
    this.onScored?.(score, alert);
    return {
      ok: true,
      result: {
        card_id: tx.cardId,
        score,
        decision: alert ? 'alert' : 'approve',
        threshold: this.threshold,
        reasons,
        model: champion.version,
      },
    };
  }

  private shadow(
    get: (f: string) => unknown,
    history: Parameters<ScoringModel['prepare']>[1],
    cardId: string,
    ts: number,
    championVersion: string,
    championScore: number,
  ): void {
    const c = this.challenger!;
    const p = c.prepare(get, history);
    this.onShadow!({
      card_id: cardId,
      ts,
      champion: { model: championVersion, score: championScore },
      challenger: p.ok
        ? { model: c.version, score: c.scorer.score(p.x) }
        : { model: c.version, error: p.problems.map((q) => `${q.field}: ${q.message}`).join('; ') },
    });
  }
}
