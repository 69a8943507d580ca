import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { AdminClient } from '../client/admin-client';
import { federationStatus, statusLine, type FederationStatus } from './federation-status';

const ACTIVE = new Set(['open', 'counting', 'collecting', 'aggregating']);

/** Pure: whether anything is still moving (a round under way, or a schedule with windows to come). */
export function stillRunning(s: FederationStatus): boolean {
  return (
    (s.round !== null && ACTIVE.has(s.round.state)) ||
    (s.schedule !== null && (s.schedule.status === 'active' || s.schedule.status === 'paused'))
  );
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function snapshot(client: AdminClient, ids: string[] | null): Promise<FederationStatus[]> {
  const list = ids ?? (await client.federations()).map((f) => f.id);
  return Promise.all(list.map((id) => federationStatus(client, id)));
}

/**
 * `status --watch`: refreshes until nothing runs. JSON: one object per federation per update
 * (JSON lines, for scripts and log shippers). A terminal with one federation: live bars. Otherwise
 * one line per federation per update.
 */
export async function watchStatus(
  client: AdminClient,
  o: { federation?: string; json?: boolean; intervalMs: number; out?: NodeJS.WritableStream; tty?: boolean },
): Promise<void> {
  const out = o.out ?? process.stdout;
  const ids = o.federation ? [o.federation] : null;
  if (!o.json && o.federation && (o.tty ?? Boolean(process.stdout.isTTY)))
    return bars(client, o.federation, o.intervalMs);
  for (;;) {
    const all = await snapshot(client, ids);
    const at = Date.now();
    if (o.json) for (const s of all) out.write(`${JSON.stringify({ at, ...s })}\n`);
    else
      out.write(
        `${new Date(at).toISOString()}\n${all.length ? all.map((s) => `  ${statusLine(s)}`).join('\n') : '  no federations yet'}\n`,
      );
    if (!all.some(stillRunning)) return;
    await sleep(o.intervalMs);
  }
}

/** Live bars for one federation: schedule progress, updates against members, time against the deadline. */
async function bars(client: AdminClient, federationId: string, intervalMs: number): Promise<void> {
  const multi = new MultiBar(
    { clearOnComplete: false, hideCursor: true, format: '{label} |{bar}| {value}/{total} {detail}' },
    Presets.shades_classic,
  );
  const schedule: SingleBar = multi.create(1, 0, { label: 'schedule', detail: '' });
  const updates = multi.create(1, 0, { label: 'updates ', detail: '' });
  const time = multi.create(1, 0, { label: 'deadline', detail: '' });
  try {
    for (;;) {
      const s = await federationStatus(client, federationId);
      const r = s.round;
      const auc = s.latestEvaluation
        ? ` — AUC ${s.latestEvaluation.auc.toFixed(4)} (round ${s.latestEvaluation.round})`
        : '';
      if (s.scheduleProgress) {
        schedule.setTotal(s.scheduleProgress.total);
        schedule.update(s.scheduleProgress.done, { detail: `rounds${auc}` });
      } else schedule.update(0, { detail: `no schedule${auc}` });
      if (!r) updates.update(0, { detail: 'no rounds yet' });
      else {
        updates.setTotal(Math.max(s.members.active, r.minParticipants, 1));
        updates.update(r.contributors.length, {
          detail: `round ${r.number} ${r.state}${r.pausedAt ? ' (paused)' : ''} — quorum ${r.minParticipants}, ${s.members.connected}/${s.members.active} members online`,
        });
        const span = Math.max(1, Math.round((r.deadlineAt - r.openedAt) / 1000));
        time.setTotal(span);
        time.update(Math.min(span, Math.round(((r.closedAt ?? Date.now()) - r.openedAt) / 1000)), {
          detail: `s${r.failureReason ? ` — ${r.failureReason}` : ''}`,
        });
      }
      if (!stillRunning(s)) break;
      await sleep(intervalMs);
    }
  } finally {
    multi.stop();
  }
}
