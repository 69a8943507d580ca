/** How many refusals per peer are recorded in full per interval; the rest are counted. */
export interface RefusalLimits {
  intervalMs: number;
  perInterval: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { intervalMs: 60_000, perInterval: 20 };

/** What a peer (and kind of refusal) sent beyond its allowance in one interval: becomes one summary entry. */
export interface SuppressedRefusals {
  peer: string;
  from: number;
  to: number;
  suppressed: number;
  actions: Record<string, number>;
}

interface Window {
  start: number;
  recorded: number;
  suppressed: number;
  actions: Record<string, number>;
}

/**
 * Fixed-window allowance per peer. A flood of refused calls must not fill the audit log
 * (or the disk), yet nothing is dropped silently: the excess is counted and summarised.
 */
export class RefusalLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS) {}

  /**
   * Whether this refusal is recorded in full, and the summary of the peer's previous
   * window when that one ended with refusals suppressed (to be recorded first).
   */
  admit(peer: string, action: string, now: number): { record: boolean; summary?: SuppressedRefusals } {
    let w = this.windows.get(peer);
    let summary: SuppressedRefusals | undefined;
    if (!w || now - w.start >= this.limits.intervalMs) {
      if (w?.suppressed) summary = summarise(peer, w, now);
      w = { start: now, recorded: 0, suppressed: 0, actions: {} };
      this.windows.set(peer, w);
    }
    if (w.recorded < this.limits.perInterval) {
      w.recorded++;
      return { record: true, summary };
    }
    w.suppressed++;
    w.actions[action] = (w.actions[action] ?? 0) + 1;
    return { record: false, summary };
  }

  /** Summaries of every ended window (all windows when `all`) that suppressed something; ended windows are forgotten. */
  due(now: number, all = false): SuppressedRefusals[] {
    const out: SuppressedRefusals[] = [];
    for (const [peer, w] of this.windows) {
      if (!all && now - w.start < this.limits.intervalMs) continue;
      this.windows.delete(peer);
      if (w.suppressed) out.push(summarise(peer, w, now));
    }
    return out;
  }

  /** Peers currently tracked (bounded by how often due() runs). */
  get size(): number {
    return this.windows.size;
  }
}

function summarise(peer: string, w: Window, now: number): SuppressedRefusals {
  return { peer, from: w.start, to: now, suppressed: w.suppressed, actions: w.actions };
}
