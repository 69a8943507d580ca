import * as fs from 'fs';
import * as path from 'path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { BankData, SimulationEvent } from './simulation';

function parseData(value: string, previous: BankData[] = []): BankData[] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new Error(`--data expects NAME=FILE.csv, got "${value}"`);
  return [...previous, { name: value.slice(0, eq), csv: value.slice(eq + 1) }];
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));

/** Human progress lines; `--json` callers get only the result file. */
export function printEvent(e: SimulationEvent, write: (s: string) => void = (s) => process.stdout.write(s)): void {
  switch (e.type) {
    case 'coordinator-ready':
      write(`coordinator up over mutual TLS (gRPC :${e.grpcPort}, REST ${e.baseUrl}; development CA ${e.caCert}); logs in ${e.workDir}\n`);
      break;
    case 'agents-connected':
      write(`agents connected: ${e.banks.join(', ')}\n`);
      break;
    case 'round-opened':
      write(`round ${e.round}/${e.of} open\n`);
      break;
    case 'update-received':
      write(`  round ${e.round}: update from ${e.bank} (${e.received}/${e.expected})\n`);
      break;
    case 'round-finished': {
      const r = e.result;
      if (r.state !== 'published') {
        write(`  round ${r.number} FAILED: ${r.failureReason}\n`);
        break;
      }
      const per = Object.entries(r.banks)
        .map(([b, m]) => `${b} ${m.auc.toFixed(3)}`)
        .join(', ');
      write(`  round ${r.number} published in ${r.seconds.toFixed(1)} s — mean AUC ${fmt(r.global?.mean_auc)}, loss ${fmt(r.global?.loss)} (${per})\n`);
      break;
    }
  }
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('Run a whole consortium on this machine: a coordinator and one agent process per bank, over real gRPC.')
    .requiredOption('--plan <file>', 'training plan (JSON)')
    .requiredOption('--data <name=file.csv>', 'a bank and its data; repeat for each bank', parseData)
    .option('--rounds <n>', 'rounds to run', (v) => parseInt(v, 10), 3)
    .option('--out <file>', 'results JSON', 'results.json')
    .option('--work-dir <dir>', 'logs, agent state and database (default: a new temp dir)')
    .option('--database <url>', 'coordinator database (default: fresh SQLite file in the work dir)')
    .option('--deadline <seconds>', 'per-round deadline (default: the plan\'s)', (v) => parseInt(v, 10))
    .option('--keep-updates', 'agents keep a copy of each local result they send')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExample:\n  syndicate simulate --plan examples/credit-risk/plan.json \\\n    --data alpine=data/alpine.csv --data baltic=data/baltic.csv --data cascade=data/cascade.csv --rounds 3\n',
    )
    .action(async (o: { plan: string; data: BankData[]; rounds: number; out: string; workDir?: string; database?: string; deadline?: number; keepUpdates?: boolean; quiet?: boolean }) => {
      if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds must be a positive integer');
      if (!o.quiet) {
        const { parseTrainingPlanJson } = await import('@syndicate/protocol');
        const plan = parseTrainingPlanJson(fs.readFileSync(o.plan, 'utf8'));
        const agg = plan.aggregation;
        process.stdout.write(
          agg.mode === 'secure'
            ? `aggregation: secure (${agg.secure.parameterSet}, clip ±${agg.secure.clip}, release ${agg.secure.releasePolicy}) — the coordinator adds encrypted updates and never sees one\n`
            : 'aggregation: plaintext float32 updates (set aggregation.mode to "secure" to encrypt them)\n',
        );
      }
      const { runSimulation } = await import('./simulation');
      const result = await runSimulation(
        {
          planPath: o.plan,
          banks: o.data,
          rounds: o.rounds,
          outFile: o.out,
          workDir: o.workDir,
          databaseUrl: o.database,
          deadlineSeconds: o.deadline,
          keepUpdates: o.keepUpdates,
        },
        o.quiet ? undefined : (e) => printEvent(e),
      );
      if (!o.quiet) {
        const banks = o.data.map((b) => b.name);
        const tty = process.stdout.isTTY === true;
        const table = new Table({
          head: ['round', 'state', 'contributors', ...banks.map((b) => `AUC ${b}`), 'mean AUC', 'loss'],
          // No escape codes when piped to a file or CI log.
          style: { head: tty ? ['cyan'] : [], border: tty ? ['grey'] : [] },
        });
        for (const r of result.rounds) {
          table.push([r.number, r.state, r.contributors.length, ...banks.map((b) => fmt(r.banks[b]?.auc)), fmt(r.global?.mean_auc), fmt(r.global?.loss)]);
        }
        process.stdout.write(`${table.toString()}\n`);
        process.stdout.write(`results: ${path.resolve(o.out)}\n`);
        if (result.final?.weightsPath) process.stdout.write(`final global weights: ${result.final.weightsPath} (${result.final.numParams} float32)\n`);
        else if (result.final) process.stdout.write(`final global model ${result.final.modelVersionId} is sealed for members only; a member pulls it with: syndicate-agent model pull\n`);
      }
      if (result.rounds.some((r) => r.state !== 'published')) process.exitCode = 3;
    });
}
