import { writePrivateFile } from '../common/private-file';
import { InvalidArgumentError, type Command } from 'commander';
import { parseTrainingPlanJson, readPlanFile } from '@syndicate/protocol';
import { pullModel } from '../agent/model-pull';
import { effectivePlan } from '../agent/standardization-file';
import type { AgentTransport } from '../agent/transport';
import { loadIdentity } from '../crypto/identity-store';
import { loadCsvDataset } from '../data/csv-dataset';
import { initTensorflow } from '../training/backend';
import { describeFit } from './baseline-fit';
import { runBenefit } from './benefit-report';
import { savePersonalizedModel } from './personalized-model-file';
import { runCentralizedBaseline, type BaselineBank } from './centralized-baseline';
import { formatBaselineTable, formatBenefitTable } from './comparison-table';
import { readGlobalWeights } from './global-weights-file';
import { standardizedPlan } from './standardized-plan';
import type { RoundProgress } from './local-rounds';

export interface TransportFlags {
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

/** main.ts's TLS flags, shared so `benefit` reaches the coordinator exactly as `model pull` does. */
export interface TransportHelpers {
  withTransport: (cmd: Command) => Command;
  transportOf: (o: TransportFlags) => AgentTransport;
}

const MAX_ROUNDS = 10_000;

export function positiveRounds(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_ROUNDS)
    throw new InvalidArgumentError(`must be a whole number of rounds from 1 to ${MAX_ROUNDS}`);
  return n;
}

/** `--data NAME=FILE.csv`, repeatable. */
export function bankData(text: string, previous: BaselineBank[] = []): BaselineBank[] {
  const at = text.indexOf('=');
  const name = at > 0 ? text.slice(0, at) : '';
  const file = at > 0 ? text.slice(at + 1) : '';
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || !file)
    throw new InvalidArgumentError('must be NAME=FILE.csv (a bank name of letters, digits, _ . - and its CSV)');
  if (previous.some((b) => b.name === name)) throw new InvalidArgumentError(`bank "${name}" is given twice`);
  return [...previous, { name, file }];
}

function writeJson(file: string, value: unknown): void {
  // The bank's own figures: private like everything else it keeps.
  writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

const progress = (model: string) => (p: RoundProgress) =>
  process.stderr.write(
    `  ${model}: round ${p.round}/${p.rounds}  loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : 'n/a'}  (${p.seconds.toFixed(1)} s)\n`,
  );

interface BenefitFlags extends TransportFlags {
  stateDir: string;
  data: string;
  model?: string;
  globalWeights?: string;
  rounds?: number;
  coordinator?: string;
  out?: string;
  json?: boolean;
}

interface BaselineFlags {
  plan: string;
  data: BaselineBank[];
  rounds: number;
  localOnly?: boolean;
  out?: string;
  json?: boolean;
}

/** `syndicate-agent benefit` and `syndicate-agent baseline`: how much the consortium model adds over training alone. */
export function registerBenefitCommands(program: Command, t: TransportHelpers): void {
  t.withTransport(program.command('benefit'))
    .description(
      "Compare the consortium's global model with a model this bank fits alone, derive this bank's personalised model (fine-tuned from the global one, or blended with its own), and say which the bank should use: the best on its validation rows, reported on its test rows.",
    )
    .requiredOption(
      '--data <file.csv>',
      "this bank's data, the file the agent trains on (the holdout is split from it exactly as the agent splits it)",
    )
    .option('--state-dir <dir>', 'keys and enrollment (0700); the plan comes from here', '.syndicate-agent')
    .option('--model <id>', 'global model version to pull: champion (the default), latest or a model id')
    .option('--global-weights <file>', 'use a model saved by `model pull --out` (.f32 or .json) instead of pulling one')
    .option(
      '--rounds <n>',
      "at most this many rounds for a local-only model fitted with early stopping (default: the global model's round number; a logistic regression is fitted to convergence)",
      positiveRounds,
    )
    .option('--coordinator <host:port>', 'override the coordinator address saved at enrollment')
    .option('--out <file.json>', 'also write the comparison as JSON')
    .option('--json', 'print JSON instead of the table')
    .addHelpText(
      'after',
      '\nNothing is sent to the coordinator: the local-only model, the scores and the comparison stay on this machine\n' +
        '(the global model is only downloaded, as `model pull` does; with --global-weights there is no connection at all).\n' +
        'Plans that standardise features federatedly: the global model is scored with the consortium scaling that\n' +
        '`syndicate-agent run` recorded in the state directory (standardization.json); the local-only model scales\n' +
        "with this bank's own training rows, as a bank alone would.\n" +
        'The chosen model (global, local-only, fine-tuned or blend) is recorded in the state directory\n' +
        '(personalized-model.json): the choice is made on the validation rows, the figures shown are the test rows.\n\n' +
        'Example:\n  syndicate-agent benefit --state-dir /var/lib/syndicate --data /data/loans.csv --out benefit.json\n',
    )
    .action(async (o: BenefitFlags, cmd: Command) => {
      if (o.model !== undefined && o.globalWeights !== undefined)
        cmd.error('error: --model and --global-weights are alternatives: give one (or neither, for the champion)');
      const identity = loadIdentity(o.stateDir);
      if (!identity)
        cmd.error(
          `error: ${o.stateDir} holds no enrollment; the plan comes from the agent's state directory (--state-dir), run syndicate-agent enroll first`,
        );
      const enrolled = parseTrainingPlanJson(identity.planJson);
      // The global model is scored on inputs scaled as the federation trained it; the bank alone scales with its own statistics.
      const plan = effectivePlan(o.stateDir, enrolled);
      const data = await loadCsvDataset(o.data, plan.schema);
      const ownPlan = plan === enrolled ? undefined : await standardizedPlan(enrolled, [o.data]);
      const local = ownPlan ? { plan: ownPlan, data: await loadCsvDataset(o.data, ownPlan.schema) } : undefined;
      const global = o.globalWeights
        ? readGlobalWeights(o.globalWeights, plan)
        : await pullModel({
            stateDir: o.stateDir,
            coordinator: o.coordinator,
            modelVersionId: o.model,
            transport: t.transportOf(o),
          });
      const rounds = o.rounds ?? global.roundNumber;
      if (rounds === undefined)
        cmd.error(
          'error: --rounds is needed with a raw .f32 --global-weights file (it does not say which round the model is from)',
        );
      if (rounds < 1)
        cmd.error(
          `error: the global model (${global.modelVersionId ?? o.globalWeights}) is the initial one, round 0: nothing has been trained yet; wait for a round or pass --rounds`,
        );
      const { backend } = await initTensorflow();
      const from = global.modelVersionId ? `${global.modelVersionId} (round ${global.roundNumber})` : o.globalWeights;
      process.stderr.write(
        `global model: ${from}\nlocal-only model: fitted on ${o.data} (at most ${rounds} round(s) x ${plan.training.epochs} epoch(s) where early-stopped; ${backend} backend)\n`,
      );
      const { report, chosen } = await runBenefit({
        plan,
        data,
        local,
        globalWeights: global.weights,
        rounds,
        onRound: progress('local-only'),
      });
      const result = {
        federationId: identity.federationId,
        participantId: identity.participantId,
        plan: plan.name,
        data: o.data,
        globalModel: {
          modelVersionId: global.modelVersionId ?? null,
          roundNumber: global.roundNumber ?? null,
          source: o.globalWeights ?? 'coordinator',
        },
        ...report,
      };
      const kept = savePersonalizedModel(o.stateDir, chosen, result.globalModel);
      if (o.out) writeJson(o.out, result);
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        process.stdout.write(
          `\ntest rows: ${report.testExamples} (${report.testPositives} positive), the part of the agent's holdout that only reports\n`,
        );
        process.stdout.write(
          `local-only: ${describeFit(report.localFit)}, on ${report.trainExamples} rows; global: ${from}\n\n${formatBenefitTable(report)}`,
        );
        process.stdout.write(`chosen model recorded in ${kept}\n`);
        if (o.out) process.stdout.write(`\nwritten to ${o.out}\n`);
      }
    });

  program
    .command('baseline')
    .description(
      'Simulation only: the "all data pooled" upper bound. Pools the training rows of several synthetic banks (same split as the agent), fits one model (logistic regression: Newton/IRLS to convergence; others: early stopping on the pooled validation rows) and scores it on each bank\'s test rows.',
    )
    .requiredOption('--plan <file>', 'training plan (.json or .yaml)')
    .requiredOption('--data <name=file.csv>', 'a bank and its CSV; repeat for every bank', bankData)
    .requiredOption(
      '--rounds <n>',
      "at most this many rounds (each runs the plan's local epochs) for models fitted with early stopping",
      positiveRounds,
    )
    .option('--local-only', "also train each bank alone and report its own model's figures (banks.<name>.local_only)")
    .option('--out <file.json>', 'write the result as JSON')
    .option('--json', 'print JSON instead of the table')
    .addHelpText(
      'after',
      "\nNever use this on real banks' data: pooling it is exactly what a consortium must not do. It exists to measure\n" +
        'a simulation (synthetic banks) against its centralized upper bound and its local-only lower bound.\n\n' +
        'Example:\n  syndicate-agent baseline --plan plan.json --data alpine=data/alpine.csv --data baltic=data/baltic.csv --rounds 5 --local-only --out baseline.json\n',
    )
    .action(async (o: BaselineFlags) => {
      const plan = readPlanFile(o.plan);
      const { backend } = await initTensorflow();
      process.stderr.write(
        `baseline: ${o.data.length} bank(s), ${o.rounds} round(s) x ${plan.training.epochs} epoch(s) (${backend} backend)\n`,
      );
      const result = await runCentralizedBaseline({
        plan,
        banks: o.data,
        rounds: o.rounds,
        localOnly: o.localOnly,
        onRound: (model, p) => progress(model)(p),
      });
      // The pooled weights stay in memory: the results carry figures and how each model was fitted.
      const out = { plan: plan.name, rounds: result.rounds, centralized: result.centralized, banks: result.banks };
      if (o.out) writeJson(o.out, out);
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else process.stdout.write(`\n${formatBaselineTable(result)}${o.out ? `\nwritten to ${o.out}\n` : ''}`);
    });
}
