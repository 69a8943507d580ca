/**
 * `npm run bench:scoring`: latency and throughput of `syndicate-agent serve`
 * under autocannon with behavioural features on, against the in-process floor
 * (same model, no HTTP), a model swap under load, and batch scoring of a file.
 * Figures to bench/results/scoring.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { advanceCardState, BoundedCardStore, initialWeights, modelLayout, readPlanFile } from '@syndicate/protocol';
import { loadScoringModel } from '@syndicate/participant';
import { writeFraudConsortium } from '@syndicate/examples';
import { batchMedian, batchRun, sideBySide } from './scoring-baseline';
import { loadRun, requestBodies, startServeProcess, type LoadFigures } from './scoring-load';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const AGENT_CLI = path.join(REPO_ROOT, 'participant-sdk', 'dist', 'cli', 'main.js');
const log = (s: string) => process.stderr.write(`${s}\n`);
const r3 = (x: number) => Number(x.toPrecision(4));

/** Per-transaction time of what `serve` does for a request minus HTTP: features, encoding, score, reasons, state. */
function inProcess(modelFile: string, bodies: string[]): { p50_ms: number; p99_ms: number; tx_per_s: number } {
  const model = loadScoringModel(modelFile);
  const store = new BoundedCardStore();
  const times = new Float64Array(bodies.length);
  const t0 = process.hrtime.bigint();
  bodies.forEach((b, i) => {
    const s = process.hrtime.bigint();
    const tx = JSON.parse(b) as Record<string, unknown>;
    const p = model.prepare(
      (f) => tx[f],
      (c) => store.get(c),
    );
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    model.scoreWithReasons(p.x);
    store.set(p.tx.cardId, advanceCardState(store.get(p.tx.cardId), p.tx));
    times[i] = Number(process.hrtime.bigint() - s) / 1e6;
  });
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  times.sort();
  return {
    p50_ms: r3(times[Math.floor(0.5 * times.length)]),
    p99_ms: r3(times[Math.floor(0.99 * times.length)]),
    tx_per_s: Math.round(bodies.length / total),
  };
}

async function main(): Promise<void> {
  const o = new Command('syndicate-scoring-bench')
    .option('--model <model.json>', 'model to serve (default: the fraud plan with its seeded initial weights)')
    .option('--seconds <n>', 'seconds per load run', '15')
    .option('--scale <x>', "size of the generated consortium (1: the demo's)", '1')
    .option(
      '--demo-results <file>',
      'fraud demo figures to copy (recall alone vs consortium)',
      path.join(REPO_ROOT, 'var', 'demo-fraud', 'fraud-results.json'),
    )
    .option('--out <file>', 'JSON output', path.join(REPO_ROOT, 'bench', 'results', 'scoring.json'))
    .option('--reps <n>', 'batch runs (the median is reported); with --baseline, also serve runs of each build', '1')
    .option(
      '--baseline <cli>',
      "another build's agent CLI (its participant-sdk/dist/cli/main.js): batch and serve of both, alternating, in this run",
    )
    .parse(process.argv)
    .opts<{
      model?: string;
      seconds: string;
      scale: string;
      demoResults: string;
      out: string;
      reps: string;
      baseline?: string;
    }>();
  const seconds = Number(o.seconds);
  const reps = Number(o.reps);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-scoring-bench-'));
  const load1 = os.loadavg()[0];
  log(`scoring bench in ${work}; load average ${load1.toFixed(1)} on ${os.cpus().length} cores`);
  const banks = await writeFraudConsortium(path.join(work, 'data'), { seed: 2026, scale: Number(o.scale) });
  const largest = [...banks].sort((a, b) => b.rows - a.rows)[0];
  const plan = readPlanFile(path.join(REPO_ROOT, 'examples', 'fraud', 'plan.json'));
  let modelFile = o.model;
  if (!modelFile) {
    modelFile = path.join(work, 'model.json');
    const w = initialWeights(plan);
    const tensors = modelLayout(plan).tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      values: Array.from(w.subarray(t.offset, t.offset + t.size)),
    }));
    fs.writeFileSync(
      modelFile,
      JSON.stringify({ modelVersionId: 'bench', schema: plan.schema, model: plan.model, tensors }),
    );
  }
  const bodies = requestBodies(largest.path);

  log('in-process floor');
  const floor = inProcess(modelFile, bodies.slice(0, 100_000));

  log(`batch: syndicate-agent score (${reps} run${reps > 1 ? 's' : ''})`);
  const batchRuns = batchMedian(Array.from({ length: reps }, () => batchRun(AGENT_CLI, largest.path, modelFile, work)));
  const batch = batchRuns.tx_per_s;

  const serve = await startServeProcess(['--model', modelFile]);
  const runs: LoadFigures[] = [];
  let swap: LoadFigures & { swaps: number };
  try {
    log('warm-up');
    await loadRun(serve.url, bodies, { connections: 8, seconds: 3 });
    log('fixed rate 2000 requests/s');
    const at2000 = await loadRun(serve.url, bodies, { connections: 16, seconds, rate: 2000 });
    runs.push(at2000);
    for (const connections of [1, 2, 4, 8, 16, 32]) {
      log(`as fast as it answers, ${connections} connections`);
      runs.push(await loadRun(serve.url, bodies, { connections, seconds }));
    }
    log('model swap under load (one reload a second)');
    let swaps = 0;
    const swapRun = await loadRun(serve.url, bodies, {
      connections: 8,
      seconds,
      during: async () => {
        for (let i = 1; i < seconds; i++) {
          await new Promise((r) => setTimeout(r, 1000));
          const res = await fetch(`${serve.url}/v1/models/reload`, { method: 'POST' });
          if (res.ok) swaps++;
        }
      },
    });
    swap = { ...swapRun, swaps };
  } finally {
    serve.child.kill('SIGTERM');
  }
  const within10 = runs.filter((r) => r.rate === null && r.p99_ms <= 10 && r.failed === 0);
  const demo = fs.existsSync(o.demoResults)
    ? (JSON.parse(fs.readFileSync(o.demoResults, 'utf8')) as {
        smallestBank: { recallAlone: number; recallConsortium: number; bank: string };
      })
    : undefined;
  const at2000 = runs[0];
  const result = {
    generated_at: new Date().toISOString(),
    command: 'npm run bench:scoring',
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      load_average_at_start: r3(load1),
      node: process.version,
    },
    note:
      load1 > os.cpus().length
        ? `measured on a shared machine (load average ${load1.toFixed(1)} on ${os.cpus().length} cores): latency figures are pessimistic; re-run on an idle machine`
        : 'idle machine',
    data: { bank: largest.name, transactions: bodies.length, behavioural_features: true },
    targets: {
      recall_at_0_5pct_fpr_alone: demo ? r3(demo.smallestBank.recallAlone) : null,
      recall_at_0_5pct_fpr_consortium: demo ? r3(demo.smallestBank.recallConsortium) : null,
      p99_ms_at_2000_rps: at2000.p99_ms,
      rps_at_p99_10ms: within10.length ? Math.round(Math.max(...within10.map((r) => r.rps))) : 0,
      inprocess_p99_ms: floor.p99_ms,
      swap_failed_requests: swap.failed,
      batch_tx_per_s: batch,
    },
    goals: {
      recall_at_0_5pct_fpr_consortium: 'clearly better than alone (smallest bank, its own test rows)',
      p99_ms_at_2000_rps: '<= 5',
      rps_at_p99_10ms: '>= 5000',
      swap_failed_requests: '0',
      batch_tx_per_s: '>= 200000',
    },
    recall_source: demo
      ? `${o.demoResults} (npm run demo:fraud), bank ${demo.smallestBank.bank}`
      : 'run npm run demo:fraud first',
    batch: batchRuns,
    in_process: floor,
    load_runs: runs,
    swap_under_load: swap,
  };
  if (o.baseline) {
    log(`side by side with ${o.baseline} (${reps} runs of each)`);
    Object.assign(result, {
      side_by_side: await sideBySide({
        cli: AGENT_CLI,
        baseline: path.resolve(o.baseline),
        data: largest.path,
        model: modelFile,
        work,
        bodies,
        seconds,
        reps,
      }),
    });
  }
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(result, null, 1)}\n`);
  const compared = (result as { side_by_side?: { ratios: unknown } }).side_by_side;
  process.stdout.write(
    `${JSON.stringify(result.targets, null, 1)}\n${compared ? `this build / baseline: ${JSON.stringify(compared.ratios)}\n` : ''}-> ${o.out}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`scoring bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
