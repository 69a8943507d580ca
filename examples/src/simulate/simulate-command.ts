import { describeFit } from '@syndicate/participant';
import * as path from 'path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { BankData, Baseline, SimulationEvent, SimulationResult } from './simulation';

function parseData(value: string, previous: BankData[] = []): BankData[] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new Error(`--data expects NAME=FILE.csv, got "${value}"`);
  return [...previous, { name: value.slice(0, eq), csv: value.slice(eq + 1) }];
}

const fmt = (x: number | null | undefined) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(4));

function parseBaselines(value: string): Baseline[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = parts.filter((p) => p !== 'local' && p !== 'centralized');
  if (bad.length || !parts.length)
    throw new Error(`--baseline takes a comma-separated list of: local, centralized (got "${value}")`);
  return [...new Set(parts)] as Baseline[];
}

function parseFraction(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x < 1))
    throw new Error(`--holdout must be a fraction strictly between 0 and 1, e.g. 0.2 (got "${value}")`);
  return x;
}

/** The comparison a data scientist asks for first: does the consortium model beat going alone, and how close is it to pooling everything? */
export function summaryLines(r: SimulationResult): string[] {
  const lines: string[] = [];
  // The reported figures are the test rows'; the validation rows chose the champion, so they flatter it.
  const g = r.test ?? r.final?.global;
  const rows = r.test ? 'test' : 'holdout';
  if (r.champion && r.validation)
    lines.push(
      `champion: round ${r.champion.roundNumber} of ${r.rounds.length}${r.stopped_early ? ' (stopped early)' : ''}, chosen on federated validation ${r.champion.metric} ${fmt(selectionValue(r.validation, r.champion.metric))} (best round ${r.best_round ?? '—'})`,
    );
  if (g)
    lines.push(
      `${r.champion ? 'champion' : 'final global model'} on the ${rows} rows (federated evaluation over ${g.num_examples} rows): AUC ${fmt(g.auc)}, KS ${fmt(g.ks)}, Gini ${fmt(g.gini)}, Brier ${fmt(g.brier)}`,
    );
  if (r.centralized)
    lines.push(
      `centralized baseline (all training data pooled; ${describeFit(r.centralized.fit)}): AUC ${fmt(r.centralized.auc)}, KS ${fmt(r.centralized.ks)}${g ? ` — global is ${gapWords(g.auc - r.centralized.auc)} centralized` : ''}`,
    );
  const withLocal = Object.entries(r.banks).filter(([, b]) => b.local_only && b.global);
  for (const [name, b] of withLocal) {
    const gain = (x: number) => `${x >= 0 ? '+' : ''}${fmt(x)}`;
    const p = b.personalized;
    const own = p
      ? `; personalised (${p.model.replace('_', '-')}${p.alpha !== undefined ? ` ${fmt(p.alpha)}` : ''}, chosen on validation) ${fmt(p.auc)} (${gain(p.auc - b.local_only!.auc)})`
      : '';
    lines.push(
      `  ${name}: global AUC ${fmt(b.global!.auc)} vs local-only ${fmt(b.local_only!.auc)} (${gain(b.global!.auc - b.local_only!.auc)})${own}`,
    );
  }
  if (r.benefit)
    lines.push(
      `benefit: ${r.benefit.improved} of ${r.benefit.banks} banks do better than alone with ${r.benefit.model === 'personalized' ? 'the model each chose (personalised)' : 'the global model'}; median AUC gain ${fmt(r.benefit.medianAucGain)}`,
    );
  lines.push(`report: ${r.reportPath}`);
  return lines;
}

/** "0.0069 AUC below" rather than a bare signed number whose sign the reader must guess. */
export const gapWords = (d: number): string =>
  Math.abs(d) < 5e-5 ? 'level with' : `${fmt(Math.abs(d))} AUC ${d < 0 ? 'below' : 'above'}`;

const selectionValue = (f: NonNullable<SimulationResult['validation']>, metric: string): number =>
  metric === 'ks' ? f.ks : metric === 'log_loss' ? f.log_loss : metric === 'brier' ? f.brier : f.auc;

/** Human progress lines; `--json` callers get only the result file. */
export function printEvent(e: SimulationEvent, write: (s: string) => void = (s) => process.stdout.write(s)): void {
  switch (e.type) {
    case 'coordinator-ready':
      write(
        `coordinator up over mutual TLS (gRPC :${e.grpcPort}, REST ${e.baseUrl}; development CA ${e.caCert}); logs in ${e.workDir}\n`,
      );
      break;
    case 'agents-connected':
      write(`agents connected: ${e.banks.join(', ')}\n`);
      break;
    case 'members-pinned':
      write(
        `banks pinned each other by fingerprint, as their operators would after reading them out (syndicate-agent identity show / members pin):\n` +
          Object.entries(e.fingerprints)
            .map(([bank, fp]) => `  ${bank.padEnd(10)} ${fp}\n`)
            .join(''),
      );
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
        .map(([b, m]) => `${b} ${fmt(m.auc)}`)
        .join(', ');
      const ev = r.global
        ? `validation AUC ${fmt(r.global.auc)}, test AUC ${fmt(r.test?.auc)}, KS ${fmt(r.global.ks)}${r.promoted ? ' — new champion' : ''}`
        : `federated evaluation ${r.evaluation?.state ?? 'missing'}${r.evaluation?.failureReason ? `: ${r.evaluation.failureReason}` : ''}`;
      write(
        `  round ${r.number} published in ${r.seconds.toFixed(1)} s — ${ev} (each bank on its own holdout: ${per || 'n/a'})\n`,
      );
      break;
    }
    case 'stopped-early':
      write(
        `stopped early after round ${e.afterRound}: federated validation stopped improving (best round ${e.bestRound ?? '—'})\n`,
      );
      break;
    case 'baseline-started':
      write(`training baselines (${e.baselines.join(', ')}) for comparison…\n`);
      break;
  }
}

/** Options and action of `syndicate-simulate`, on the command it is given. */
export function configureSimulate(command: Command): Command {
  return command
    .description(
      'Run a whole consortium on this machine: a coordinator and one agent process per bank, over real gRPC.',
    )
    .requiredOption('--plan <file>', 'training plan (JSON or YAML)')
    .requiredOption('--data <name=file.csv>', 'a bank and its data; repeat for each bank', parseData)
    .option('--rounds <n>', 'rounds to run', (v) => parseInt(v, 10), 3)
    .option('--out <file>', 'results JSON', 'results.json')
    .option('--work-dir <dir>', 'logs, agent state and database (default: a new temp dir)')
    .option('--database <url>', 'coordinator database (default: fresh SQLite file in the work dir)')
    .option('--deadline <seconds>', "per-round deadline (default: the plan's)", (v) => parseInt(v, 10))
    .option('--keep-updates', 'agents keep a copy of each local result they send')
    .option(
      '--holdout <fraction>',
      "share of each bank's rows kept for evaluation (default: the plan's holdout.fraction)",
      parseFraction,
    )
    .option(
      '--baseline <list>',
      'also train comparison models: local (each bank alone) and/or centralized (all data pooled), e.g. local,centralized',
      parseBaselines,
    )
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExample:\n  syndicate-simulate --plan examples/credit-risk/plan.json \\\n    --data alpine=data/alpine.csv --data baltic=data/baltic.csv --data cascade=data/cascade.csv --rounds 3\n',
    )
    .action(
      async (o: {
        plan: string;
        data: BankData[];
        rounds: number;
        out: string;
        workDir?: string;
        database?: string;
        deadline?: number;
        keepUpdates?: boolean;
        quiet?: boolean;
        holdout?: number;
        baseline?: Baseline[];
      }) => {
        if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds must be a positive integer');
        if (!o.quiet) {
          const { readPlanFile } = await import('@syndicate/protocol');
          const plan = readPlanFile(o.plan);
          const agg = plan.aggregation;
          process.stdout.write(
            agg.mode === 'secure'
              ? `aggregation: secure (${agg.secure.parameterSet}, clip ±${agg.secure.clip}, release ${agg.secure.releasePolicy}${agg.secure.masking.enabled ? ', pairwise-masked' : ''}) — the coordinator adds encrypted updates and never sees one${agg.secure.masking.enabled ? '; a member holding the key decrypts only the full sum' : ''}\n`
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
            holdoutFraction: o.holdout,
            baselines: o.baseline,
          },
          o.quiet ? undefined : (e) => printEvent(e),
        );
        if (!o.quiet) {
          const banks = o.data.map((b) => b.name);
          const tty = process.stdout.isTTY === true;
          const table = new Table({
            head: [
              'round',
              'state',
              'contributors',
              'validation AUC',
              'test AUC',
              'KS',
              'Gini',
              'Brier',
              'PSI',
              ...banks.map((b) => `AUC ${b}`),
            ],
            // No escape codes when piped to a file or CI log.
            style: { head: tty ? ['cyan'] : [], border: tty ? ['grey'] : [] },
          });
          for (const r of result.rounds) {
            table.push([
              r.promoted ? `${r.number} *` : r.number,
              r.state,
              r.contributors.length,
              fmt(r.global?.auc),
              fmt(r.test?.auc),
              fmt(r.global?.ks),
              fmt(r.global?.gini),
              fmt(r.global?.brier),
              fmt(r.global?.psi),
              ...banks.map((b) => fmt(r.banks[b]?.auc)),
            ]);
          }
          process.stdout.write(`${table.toString()}\n* the round's model became champion\n`);
          process.stdout.write(`${summaryLines(result).join('\n')}\n`);
          process.stdout.write(`results: ${path.resolve(o.out)}\n`);
          if (result.final?.weightsPath)
            process.stdout.write(
              `champion weights (round ${result.final.roundNumber}): ${result.final.weightsPath} (${result.final.numParams} float32)\n`,
            );
          else if (result.final)
            process.stdout.write(
              `champion ${result.final.modelVersionId} is sealed for members only; a member pulls it with: syndicate-agent model pull\n`,
            );
        }
        if (result.rounds.some((r) => r.state !== 'published')) process.exitCode = 3;
      },
    );
}
