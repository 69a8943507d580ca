#!/usr/bin/env node
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { modelLayout, readPlanFile, type FederatedMetrics, type TrainingPlan } from '@syndicate/protocol';
import { aloneVsConsortium } from './bank-alone';
import { replayStream } from './replay-stream';
import { runSimulator } from './run-simulator';
import { writeFraudConsortium } from './write-fraud-data';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The global model as `syndicate-agent model pull --out model.json` writes it, for `serve`. */
function writeModelJson(file: string, plan: TrainingPlan, weightsFile: string, version: string): void {
  const raw = fs.readFileSync(weightsFile);
  const w = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const tensors = modelLayout(plan).tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    values: Array.from(w.subarray(t.offset, t.offset + t.size)),
  }));
  fs.writeFileSync(file, JSON.stringify({ modelVersionId: version, schema: plan.schema, model: plan.model, tensors }));
}

/** Starts `syndicate-agent serve` and resolves with its URL once it listens. */
function startServe(model: string, log: string): Promise<{ url: string; child: ChildProcess }> {
  const cli = require.resolve('@syndicate/participant/dist/cli/main.js');
  const child = spawn(process.execPath, [cli, 'serve', '--model', model, '--port', '0', '--threshold', '0.5'], {
    stdio: ['ignore', 'pipe', fs.openSync(log, 'a')],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /scoring at (http:\/\/\S+)\/v1\/score/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with code ${code}; see ${log}`)));
  });
}

/**
 * `npm run demo:fraud`: a card-fraud consortium of four banks trains in
 * secure rounds; the smallest bank compares recall at a 0.5% false-positive
 * rate on its own test rows, alone vs with the consortium model; then `serve`
 * scores a replayed stream of its transactions.
 */
async function main(): Promise<void> {
  const program = new Command('syndicate-fraud-demo')
    .option('--rounds <n>', 'rounds to run', '5')
    .option('--out <dir>', 'where data, logs and results go', path.join('var', 'demo-fraud'))
    .option('--seed <n>', 'data seed', '2026')
    .option('--scale <x>', "multiply every bank's number of cards", '1')
    .option('--replay <n>', 'transactions of the smallest bank to replay against serve', '10000')
    .option('--plan <file>', 'training plan', path.join(__dirname, '..', '..', 'fraud', 'plan.json'))
    .parse(process.argv);
  const o = program.opts<{ rounds: string; out: string; seed: string; scale: string; replay: string; plan: string }>();
  const out = path.resolve(o.out);
  const rounds = Number(o.rounds);
  process.stdout.write(`Syndicate fraud demo: generating a card-fraud consortium in ${out}\n`);
  const banks = await writeFraudConsortium(path.join(out, 'data'), { seed: Number(o.seed), scale: Number(o.scale) });
  for (const b of banks)
    process.stdout.write(
      `  ${b.name.padEnd(9)} ${String(b.rows).padStart(7)} transactions, ${String(b.cards).padStart(5)} cards, fraud ${pct(b.fraudRate)} (card testing ${b.patterns.card_testing}, takeover ${b.patterns.account_takeover}, ring ${b.patterns.fraud_ring})\n`,
    );
  const resultsFile = path.join(out, 'results.json');
  await runSimulator({ plan: o.plan, banks, rounds, out: resultsFile, workDir: path.join(out, 'run') });
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
    final: { modelVersionId: string; weightsPath: string | null; metrics: FederatedMetrics | null } | null;
  };
  if (!results.final?.weightsPath) throw new Error('the simulation published no readable final model');
  const fraud = results.final.metrics?.fraud;
  if (fraud)
    process.stdout.write(
      `consortium (federated, from encrypted score histograms): ${fraud.recallAtFpr.map((r) => `recall ${pct(r.recall)} at ${pct(r.maxFpr)} FPR`).join(', ')}; PR AUC ${results.final.metrics!.prAuc.toFixed(3)}\n`,
    );

  const plan = readPlanFile(o.plan);
  const smallest = [...banks].sort((a, b) => a.rows - b.rows)[0];
  process.stdout.write(`training ${smallest.name} alone (same plan, ${rounds} rounds) for comparison...\n`);
  const cmp = await aloneVsConsortium({
    plan,
    bank: smallest,
    globalWeightsFile: results.final.weightsPath,
    rounds,
    maxFpr: 0.005,
  });
  process.stdout.write(
    `smallest bank ${cmp.bank} (${cmp.testRows} test transactions, ${cmp.testFrauds} frauds): recall at 0.5% FPR alone ${pct(cmp.recallAlone)} vs with the consortium model ${pct(cmp.recallConsortium)} — ${cmp.recallConsortium > cmp.recallAlone ? 'the consortium model is better' : 'NOT better'}\n`,
  );

  const modelFile = path.join(out, 'model.json');
  writeModelJson(modelFile, plan, results.final.weightsPath, results.final.modelVersionId);
  const serve = await startServe(modelFile, path.join(out, 'run', 'serve.log'));
  try {
    const replay = await replayStream(serve.url, smallest.path, { limit: Number(o.replay), concurrency: 4 });
    process.stdout.write(
      `serve (${serve.url}): replayed ${replay.requests} of ${smallest.name}'s transactions, ${replay.failed} failed, ${replay.alerts} alerts; latency p50 ${replay.p50Ms.toFixed(2)} ms, p95 ${replay.p95Ms.toFixed(2)} ms, p99 ${replay.p99Ms.toFixed(2)} ms (client-side, 4 in flight)\n`,
    );
    fs.writeFileSync(
      path.join(out, 'fraud-results.json'),
      `${JSON.stringify({ smallestBank: cmp, consortium: fraud ?? null, replay }, null, 1)}\n`,
    );
  } finally {
    serve.child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fraud demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
