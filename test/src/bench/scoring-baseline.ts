import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { loadRun, startServeProcess, type LoadFigures } from './scoring-load';

/** One `syndicate-agent score` run, as the command reports it. */
export interface BatchRun {
  tx_per_s: number;
  tx_per_cpu_second: number;
  load_average: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x: number) => Number(x.toPrecision(4));

/** `syndicate-agent score` of `cli` on a file, its figures read from what it prints. */
export function batchRun(cli: string, data: string, model: string, work: string): BatchRun {
  const load = os.loadavg()[0];
  const out = execFileSync(
    process.execPath,
    [cli, 'score', '--data', data, '--out', path.join(work, 'scores.csv'), '--model', model],
    { encoding: 'utf8' },
  );
  return {
    tx_per_s: Number(/\((\d+) tx\/s;/.exec(out)?.[1] ?? NaN),
    tx_per_cpu_second: Number(/(\d+) tx per CPU-second/.exec(out)?.[1] ?? NaN),
    load_average: r3(load),
  };
}

/** Medians of several runs. */
export function batchMedian(runs: BatchRun[]): { tx_per_s: number; tx_per_cpu_second: number; runs: BatchRun[] } {
  return {
    tx_per_s: Math.round(median(runs.map((r) => r.tx_per_s))),
    tx_per_cpu_second: Math.round(median(runs.map((r) => r.tx_per_cpu_second))),
    runs,
  };
}

/**
 * This build against another (`baseline`, the path of its agent CLI) in one
 * run on one machine: batch scoring and `serve` under the same loads, the two
 * alternating run by run (which goes first alternates too), so a machine
 * shared with other work weighs on both alike. Ratios are this build over the
 * baseline, of the medians and run by run.
 */
export async function sideBySide(o: {
  cli: string;
  baseline: string;
  data: string;
  model: string;
  work: string;
  bodies: string[];
  seconds: number;
  reps: number;
}) {
  const clis = { current: o.cli, baseline: o.baseline };
  const order = (i: number) => (i % 2 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const));
  const batch = { current: [] as BatchRun[], baseline: [] as BatchRun[] };
  for (let i = 0; i < o.reps; i++) for (const v of order(i)) batch[v].push(batchRun(clis[v], o.data, o.model, o.work));
  const serve = {
    current: await startServeProcess(['--model', o.model], o.cli),
    baseline: await startServeProcess(['--model', o.model], o.baseline),
  };
  const load = { current: [] as LoadFigures[], baseline: [] as LoadFigures[] };
  try {
    for (const v of ['current', 'baseline'] as const)
      await loadRun(serve[v].url, o.bodies, { connections: 8, seconds: 3 });
    for (let i = 0; i < o.reps; i++)
      for (const shape of [{ connections: 16, rate: 2000 }, { connections: 8 }])
        for (const v of order(i)) load[v].push(await loadRun(serve[v].url, o.bodies, { ...shape, seconds: o.seconds }));
  } finally {
    serve.current.child.kill('SIGTERM');
    serve.baseline.child.kill('SIGTERM');
  }
  const serveFigures = (runs: LoadFigures[]) => {
    const fixed = runs.filter((r) => r.rate !== null);
    const max = runs.filter((r) => r.rate === null);
    return {
      p99_ms_at_2000_rps: median(fixed.map((r) => r.p99_ms)),
      rps_8_connections: Math.round(median(max.map((r) => r.rps))),
      p99_ms_8_connections: median(max.map((r) => r.p99_ms)),
      failed: runs.reduce((n, r) => n + r.failed, 0),
      runs,
    };
  };
  const pairs = (a: number[], b: number[]) => a.map((x, i) => r3(x / b[i]));
  const current = { batch: batchMedian(batch.current), serve: serveFigures(load.current) };
  const baseline = { batch: batchMedian(batch.baseline), serve: serveFigures(load.baseline) };
  const maxRps = (v: LoadFigures[]) => v.filter((r) => r.rate === null).map((r) => r.rps);
  return {
    baseline_cli: o.baseline,
    reps: o.reps,
    current,
    baseline,
    ratios: {
      batch_tx_per_s: r3(current.batch.tx_per_s / baseline.batch.tx_per_s),
      batch_tx_per_s_by_run: pairs(
        batch.current.map((r) => r.tx_per_s),
        batch.baseline.map((r) => r.tx_per_s),
      ),
      batch_tx_per_cpu_second: r3(current.batch.tx_per_cpu_second / baseline.batch.tx_per_cpu_second),
      serve_rps_8_connections: r3(current.serve.rps_8_connections / baseline.serve.rps_8_connections),
      serve_rps_8_connections_by_run: pairs(maxRps(load.current), maxRps(load.baseline)),
    },
  };
}
