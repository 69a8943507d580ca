import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { featureStatsFieldsNeeded, readPlanFile, type FederatedMetrics } from '@syndicate/protocol';
import {
  AdminClient,
  initDatabase,
  makeDevPki,
  renderHtmlReport,
  reportPlanSummary,
  reportSelection,
  writeDevPki,
  type RoundView,
} from '@syndicate/coordinator';
import { describeFit, effectivePlan, standardizationPath, type BaselineFitReport } from '@syndicate/participant';
import { pinEachOther } from './pin-members';
import { ProcessSupervisor, type Supervised } from './process-supervisor';

export interface BankData {
  name: string;
  csv: string;
}

export interface SimulationOptions {
  planPath: string;
  banks: BankData[];
  rounds: number;
  outFile: string;
  /** Where logs, agent state and the database go; a fresh temp dir by default. */
  workDir?: string;
  databaseUrl?: string;
  deadlineSeconds?: number;
  /** Keep each agent's plaintext local result (for audit and tests). */
  keepUpdates?: boolean;
  agentBin?: string;
  /** Overrides the plan's holdout fraction (every bank keeps this share of its rows for evaluation). */
  holdoutFraction?: number;
  /** Comparisons to compute after training: each bank alone, and all data pooled. */
  baselines?: Baseline[];
}

/** Consortium figures of one model, from the summed encrypted histograms. */
export interface GlobalFigures {
  auc: number;
  ks: number;
  gini: number;
  brier: number;
  pr_auc: number;
  log_loss: number;
  /** PSI against the champion's score distribution recorded at its promotion (null before a champion). */
  psi: number | null;
  /** PSI against the previous version's distribution: version-to-version change. */
  shift: number | null;
  num_examples: number;
}

/** One bank's figures on its own holdout (read from that bank's agent state: simulate runs every bank). */
export interface BankFigures {
  auc: number;
  ks: number;
  brier: number;
  num_examples: number;
}

export interface RoundResult {
  number: number;
  state: string;
  failureReason: string | null;
  contributors: string[];
  seconds: number;
  modelVersionId: string | null;
  /** The consortium's evaluation of this round's model on the validation rows (they choose); null if it failed or the round did. */
  global: GlobalFigures | null;
  /** The same on the test rows (they only report). */
  test: GlobalFigures | null;
  /** This round's model became champion. */
  promoted: boolean;
  evaluation: { state: string; contributors: number; failureReason: string | null } | null;
  /** Each bank's own view of the global model on its holdout. */
  banks: Record<string, BankFigures>;
}

export type Baseline = 'local' | 'centralized';

/** How a baseline was fitted (the agent's `baseline` command says): Newton to a tolerance, or early stopping. */
export type BaselineFit = BaselineFitReport;

/** A bank's chosen model (global, local-only, fine-tuned or blend: best on its validation rows) on its test rows. */
export interface PersonalizedFigures {
  auc: number;
  ks: number;
  model: 'global' | 'local_only' | 'fine_tuned' | 'blend';
  /** The global model's share in a blend of scores. */
  alpha?: number;
  /** The selection metric's figure of every candidate on the bank's validation rows. */
  validation: Record<string, number | null>;
  /** Share of bootstrap resamples of the validation rows in which each candidate beat local-only (it must be clear to replace it). */
  winShare?: Record<string, number | null>;
}

export interface SimulationResult {
  federation: { id: string; name: string; planSha256: string; numParams: number };
  workDir: string;
  holdoutFraction: number;
  rounds: RoundResult[];
  /** The round with the best federated validation figure (the plan's selection metric). */
  best_round: number | null;
  /** The version every command serves by default: chosen on federated validation (see the plan's selection). */
  champion: { modelVersionId: string; roundNumber: number; metric: string; promotionMargin: number } | null;
  /** The champion's consortium figures on the validation rows (they chose it) and the test rows (report these). */
  validation: GlobalFigures | null;
  test: GlobalFigures | null;
  /** Patience ran out before the requested number of rounds. */
  stopped_early: boolean;
  /** The champion; weightsPath is null when the model is sealed for members only. */
  final: {
    modelVersionId: string;
    roundNumber: number;
    weightsPath: string | null;
    weightsFormat: 'float32-le' | 'sealed';
    numParams: number;
    global: GlobalFigures | null;
    metrics: FederatedMetrics | null;
  } | null;
  /**
   * Per bank, on the bank's test rows: the champion; with --baseline local, a model fitted on that bank's data
   * alone, and the bank's personalised model (what `syndicate-agent benefit` chooses on its validation rows).
   */
  banks: Record<
    string,
    {
      global: { auc: number; ks: number } | null;
      local_only?: { auc: number; ks: number; fit: BaselineFit };
      personalized?: PersonalizedFigures;
    }
  >;
  /** With --baseline centralized: all banks' training data pooled and fitted, evaluated on the same test rows. */
  centralized?: { auc: number; ks: number; gini: number; brier: number; fit: BaselineFit };
  /**
   * The aggregate benefit picture the consortium may see, no single bank's figures: how many banks do better
   * than alone with the model they chose (the personalised one when computed, else the champion).
   */
  benefit?: { banks: number; improved: number; medianAucGain: number; model: 'personalized' | 'global' };
  reportPath: string;
}

export type SimulationEvent =
  | { type: 'coordinator-ready'; grpcPort: number; httpPort: number; workDir: string; baseUrl: string; caCert: string }
  | { type: 'agents-connected'; banks: string[] }
  | { type: 'members-pinned'; fingerprints: Record<string, string> }
  | { type: 'round-opened'; round: number; of: number }
  | { type: 'update-received'; round: number; bank: string; received: number; expected: number }
  | { type: 'round-finished'; result: RoundResult }
  | { type: 'stopped-early'; afterRound: number; bestRound: number | null }
  | { type: 'baseline-started'; baselines: Baseline[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Path of an installed program's entry point, without importing it. */
function resolveBin(pkgMain: string): string {
  return require.resolve(pkgMain);
}

export const globalFigures = (m: FederatedMetrics): GlobalFigures => ({
  auc: m.rocAuc,
  ks: m.ks,
  gini: m.gini,
  brier: m.brier,
  pr_auc: m.prAuc,
  log_loss: m.logLoss,
  psi: m.psi,
  shift: m.shift ?? null,
  num_examples: m.numExamples,
});

type KeptMetrics = { rocAuc: number | null; ks: number | null; brier: number; numExamples: number };

/**
 * What the bank's agent wrote about a round's model on its own test rows (see the SDK's
 * federated-evaluation): the rows the baselines are scored on too.
 */
function bankFigures(workDir: string, bank: string, roundNumber: number): BankFigures | null {
  const file = path.join(workDir, 'agents', bank, 'evaluations', `round-${roundNumber}.json`);
  if (!fs.existsSync(file)) return null;
  const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { metrics: KeptMetrics; test?: KeptMetrics | null };
  const m = kept.test ?? kept.metrics;
  return { auc: m.rocAuc ?? NaN, ks: m.ks ?? NaN, brier: m.brier, num_examples: m.numExamples };
}

/** Runs `syndicate-agent benefit` for one bank against the champion's weights and reads its chosen model's figures. */
async function personalizeBank(
  supervisor: ProcessSupervisor,
  agentBin: string,
  workDir: string,
  bank: BankData,
  weightsPath: string,
  rounds: number,
): Promise<PersonalizedFigures> {
  const out = path.join(workDir, `benefit-${bank.name}.json`);
  const stateDir = path.join(workDir, 'agents', bank.name);
  const args = [agentBin, 'benefit', '--state-dir', stateDir, '--data', path.resolve(bank.csv)];
  args.push('--global-weights', weightsPath, '--rounds', String(rounds), '--out', out);
  await supervisor.runToCompletion(`benefit of ${bank.name}`, process.execPath, args, `${out}.log`);
  const r = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    personalized: { rocAuc: number | null; ks: number | null };
    choice: {
      model: PersonalizedFigures['model'];
      alpha: number;
      validation: Record<string, number | null>;
      winShare?: Record<string, number | null>;
    };
  };
  return {
    auc: r.personalized.rocAuc ?? NaN,
    ks: r.personalized.ks ?? NaN,
    model: r.choice.model,
    ...(r.choice.model === 'blend' ? { alpha: r.choice.alpha } : {}),
    validation: r.choice.validation,
    ...(r.choice.winShare ? { winShare: r.choice.winShare } : {}),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A whole consortium on one machine: a coordinator process and one agent process per
 * bank, over real gRPC on loopback, driven through the admin REST API.
 */
export async function runSimulation(
  opts: SimulationOptions,
  onEvent: (e: SimulationEvent) => void = () => undefined,
): Promise<SimulationResult> {
  const plan = readPlanFile(opts.planPath);
  if (opts.holdoutFraction !== undefined) {
    if (!(opts.holdoutFraction > 0 && opts.holdoutFraction < 1))
      throw new Error(`--holdout must be a fraction between 0 and 1 (exclusive), got ${opts.holdoutFraction}`);
    plan.holdout.fraction = opts.holdoutFraction;
  }
  if (opts.banks.length === 0) throw new Error('no banks given: pass --data NAME=FILE.csv at least once');
  const names = new Set<string>();
  for (const b of opts.banks) {
    if (names.has(b.name)) throw new Error(`bank name "${b.name}" is given twice`);
    names.add(b.name);
    if (!fs.existsSync(b.csv)) throw new Error(`data file for bank "${b.name}" not found: ${b.csv}`);
  }
  if (plan.rounds.minParticipants > opts.banks.length) {
    throw new Error(
      `the plan needs at least ${plan.rounds.minParticipants} participants per round but only ${opts.banks.length} banks were given`,
    );
  }
  const workDir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-sim-'));
  fs.mkdirSync(workDir, { recursive: true });
  // A simulation is one consortium from scratch: a previous run's database and agent enrollments would clash.
  if (!opts.databaseUrl)
    for (const f of ['coordinator.sqlite', 'coordinator.sqlite-wal', 'coordinator.sqlite-shm'])
      fs.rmSync(path.join(workDir, f), { force: true });
  fs.rmSync(path.join(workDir, 'agents'), { recursive: true, force: true });
  const agentBin =
    opts.agentBin ?? process.env.SYNDICATE_AGENT_BIN ?? resolveBin('@syndicate/participant/dist/cli/main.js');
  const supervisor = new ProcessSupervisor();
  // Every bank's data is checked against the plan before anything starts: a bad file is refused with all its problems.
  const problems: string[] = [];
  await Promise.all(
    opts.banks.map(async (b) => {
      const log = path.join(workDir, `check-${b.name}.log`);
      fs.rmSync(log, { force: true });
      await supervisor
        .runToCompletion(
          `data check of ${b.name}`,
          process.execPath,
          [agentBin, 'schema', 'check', '--plan', opts.planPath, path.resolve(b.csv)],
          log,
        )
        .catch(() => problems.push(`bank ${b.name}: ${fs.readFileSync(log, 'utf8').trim()}`));
    }),
  );
  if (problems.length)
    throw new Error(`the banks' data does not match the plan; nothing was started:\n${problems.join('\n')}`);
  let crashed: Error | undefined;
  supervisor.onUnexpectedExit = (p: Supervised, code) => {
    crashed = new Error(
      `${p.name} exited unexpectedly (code ${code}); last log lines from ${p.logFile}:\n${supervisor.tail(p)}`,
    );
  };
  const check = () => {
    if (crashed) throw crashed;
  };
  try {
    const readyFile = path.join(workDir, 'coordinator.ready.json');
    fs.rmSync(readyFile, { force: true });
    const coordinatorMain = resolveBin('@syndicate/coordinator/dist/cli/main.js');
    const databaseUrl = opts.databaseUrl ?? `sqlite:${path.join(workDir, 'coordinator.sqlite')}`;
    // What an operator does first: migrate the database and take an API token, here one that may also read models.
    const { token } = await initDatabase(databaseUrl, {
      tokenName: 'simulate',
      roles: ['admin', 'data-scientist'],
      forceNewToken: true,
    });
    // TLS everywhere, mutual for the agents, from a CA made for this run: what a consortium deploys, minus its own CA.
    const certs = writeDevPki(
      path.join(workDir, 'certs'),
      await makeDevPki({ hosts: ['localhost', '127.0.0.1'], agents: opts.banks.map((b) => b.name), days: 7 }),
    );
    supervisor.start(
      'coordinator',
      process.execPath,
      [
        coordinatorMain,
        'serve',
        '--database',
        databaseUrl,
        '--grpc-port',
        '0',
        '--http-port',
        '0',
        '--tick-ms',
        '200',
        '--ready-file',
        readyFile,
        '--tls-cert',
        certs.coordinatorCert,
        '--tls-key',
        certs.coordinatorKey,
        '--tls-client-ca',
        certs.caCert,
      ],
      path.join(workDir, 'coordinator.log'),
    );
    const started = Date.now();
    while (!fs.existsSync(readyFile)) {
      check();
      if (Date.now() - started > 60_000)
        throw new Error(`coordinator did not start within 60 s; see ${path.join(workDir, 'coordinator.log')}`);
      await sleep(100);
    }
    const { grpcPort, httpPort } = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as {
      grpcPort: number;
      httpPort: number;
    };
    // Host names, not IPs: the certificate names localhost, and TLS SNI takes no IP addresses.
    const baseUrl = `https://localhost:${httpPort}`;
    onEvent({ type: 'coordinator-ready', grpcPort, httpPort, workDir, baseUrl, caCert: certs.caCert });
    const admin = new AdminClient(baseUrl, { token: token!.token, ca: fs.readFileSync(certs.caCert) });
    const federation = await admin.createFederation(plan);

    for (const bank of opts.banks) {
      const invitation = await admin.invite(federation.id, bank.name);
      const stateDir = path.join(workDir, 'agents', bank.name);
      fs.mkdirSync(stateDir, { recursive: true });
      const args = [
        agentBin,
        'run',
        '--coordinator',
        `localhost:${grpcPort}`,
        '--federation',
        federation.id,
        '--token',
        invitation.token,
        '--data',
        path.resolve(bank.csv),
        '--state-dir',
        stateDir,
        '--ca',
        certs.caCert,
        '--cert',
        certs.agents[bank.name].cert,
        '--key',
        certs.agents[bank.name].key,
      ];
      if (opts.keepUpdates) args.push('--keep-updates', path.join(stateDir, 'updates'));
      supervisor.start(`agent ${bank.name}`, process.execPath, args, path.join(workDir, `agent-${bank.name}.log`));
    }
    const connectDeadline = Date.now() + 120_000;
    for (;;) {
      check();
      const ps = await admin.participants(federation.id);
      if (ps.length === opts.banks.length && ps.every((p) => p.connected)) break;
      if (Date.now() > connectDeadline)
        throw new Error(
          `agents did not all connect within 120 s (${ps.filter((p) => p.connected).length}/${opts.banks.length}); see logs in ${workDir}`,
        );
      await sleep(150);
    }
    onEvent({ type: 'agents-connected', banks: opts.banks.map((b) => b.name) });
    // The banks' operators exchange fingerprints out of band and pin each other before the first round.
    const fingerprints = pinEachOther(
      opts.banks.map((b) => ({ name: b.name, stateDir: path.join(workDir, 'agents', b.name) })),
    );
    onEvent({ type: 'members-pinned', fingerprints });

    const rounds: RoundResult[] = [];
    const roundMetrics = new Map<number, FederatedMetrics>();
    const testMetrics = new Map<number, FederatedMetrics>();
    let stoppedEarly = false;
    for (let i = 1; i <= opts.rounds; i++) {
      const t0 = Date.now();
      let round: RoundView = await admin.openRound(federation.id, { deadlineSeconds: opts.deadlineSeconds });
      onEvent({ type: 'round-opened', round: round.number, of: opts.rounds });
      let seen = 0;
      while (round.state !== 'published' && round.state !== 'failed') {
        check();
        await sleep(150);
        round = await admin.round(round.id);
        for (const c of round.contributors.slice(seen)) {
          onEvent({
            type: 'update-received',
            round: round.number,
            bank: c.displayName,
            received: ++seen,
            expected: opts.banks.length,
          });
        }
      }
      const seconds = (Date.now() - t0) / 1000;
      if (round.state === 'published') {
        // Members score their holdouts and add encrypted histograms; one decrypts the sum and reports it.
        const evalDeadline = Date.now() + 120_000;
        while (!['complete', 'failed'].includes(round.evaluation?.state ?? '') && Date.now() < evalDeadline) {
          check();
          await sleep(150);
          round = await admin.round(round.id);
        }
      }
      const banks: Record<string, BankFigures> = {};
      for (const b of opts.banks) {
        const f = round.state === 'published' ? bankFigures(workDir, b.name, round.number) : null;
        if (f) banks[b.name] = f;
      }
      const ev = round.evaluation;
      if (ev?.metrics) roundMetrics.set(round.number, ev.metrics);
      if (ev?.test) testMetrics.set(round.number, ev.test);
      const result: RoundResult = {
        number: round.number,
        state: round.state,
        failureReason: round.failureReason,
        contributors: round.contributors.map((c) => c.displayName),
        seconds,
        modelVersionId: round.resultModelVersionId,
        global: ev?.metrics ? globalFigures(ev.metrics) : null,
        test: ev?.test ? globalFigures(ev.test) : null,
        promoted: ev?.promotedAt != null,
        evaluation: ev ? { state: ev.state, contributors: ev.contributors, failureReason: ev.failureReason } : null,
        banks,
      };
      rounds.push(result);
      onEvent({ type: 'round-finished', result });
      // The coordinator refuses further rounds once patience runs out; stop asking.
      const sel = await admin.selection(federation.id);
      if (sel.stopped && i < opts.rounds) {
        stoppedEarly = true;
        onEvent({ type: 'stopped-early', afterRound: round.number, bestRound: sel.best?.roundNumber ?? null });
        break;
      }
    }

    // What every command serves by default: the champion (the newest model before any evaluation).
    const selection = await admin.selection(federation.id);
    const latest = selection.championModel;
    let final: SimulationResult['final'] = null;
    const lastRound = rounds.find((r) => r.state === 'published' && r.number === latest?.roundNumber);
    // A members-only champion may be re-sealed under a newer key epoch: its evaluation is the original version's.
    const evaluatedId = selection.champion?.modelVersionId ?? latest?.id;
    const finalEvaluation = evaluatedId ? await admin.evaluation(evaluatedId).catch(() => null) : null;
    const finalMetrics = finalEvaluation?.metrics ?? null;
    const finalGlobal = finalMetrics ? globalFigures(finalMetrics) : (lastRound?.global ?? null);
    const weightsPath = path.resolve(path.dirname(opts.outFile), `${path.basename(opts.outFile, '.json')}.weights.f32`);
    if (latest && latest.roundNumber > 0 && latest.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
      final = {
        modelVersionId: latest.id,
        roundNumber: latest.roundNumber,
        weightsPath: null,
        weightsFormat: 'sealed',
        numParams: latest.numParams,
        global: finalGlobal,
        metrics: finalMetrics,
      };
    } else if (latest && latest.roundNumber > 0) {
      fs.writeFileSync(weightsPath, await admin.weights(latest.id));
      final = {
        modelVersionId: latest.id,
        roundNumber: latest.roundNumber,
        weightsPath,
        weightsFormat: 'float32-le',
        numParams: latest.numParams,
        global: finalGlobal,
        metrics: finalMetrics,
      };
    }
    const bankResults: SimulationResult['banks'] = {};
    for (const b of opts.banks) {
      const f = lastRound?.banks[b.name];
      bankResults[b.name] = { global: f ? { auc: f.auc, ks: f.ks } : null };
    }
    // Everything the global model expects of its inputs, the consortium's feature scaling included (every agent
    // recorded the same moments; the first bank's copy serves). Before any statistics round the plan is as written.
    const planFile = path.join(workDir, 'plan.effective.json');
    const firstState = path.join(workDir, 'agents', opts.banks[0].name);
    const scaled = featureStatsFieldsNeeded(plan).size && fs.existsSync(standardizationPath(firstState));
    fs.writeFileSync(planFile, `${JSON.stringify(scaled ? effectivePlan(firstState, plan) : plan, null, 2)}\n`);
    let centralized: SimulationResult['centralized'];
    const baselines = opts.baselines ?? [];
    if (baselines.length && final?.weightsPath === null) {
      throw new Error(
        '--baseline needs the final global weights, but the plan seals the model for members only (release policy members-only)',
      );
    }
    if (baselines.length && final?.weightsPath) {
      onEvent({ type: 'baseline-started', baselines });
      const out = path.join(workDir, 'baselines.json');
      const args = [
        agentBin,
        'baseline',
        '--plan',
        planFile,
        // The most an early-stopped baseline may train: as many rounds as the federation was given.
        '--rounds',
        String(opts.rounds),
        '--out',
        out,
        ...opts.banks.flatMap((b) => ['--data', `${b.name}=${path.resolve(b.csv)}`]),
      ];
      if (baselines.includes('local')) args.push('--local-only');
      await supervisor.runToCompletion('baselines', process.execPath, args, path.join(workDir, 'baselines.log'));
      const b = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        centralized?: { auc: number; ks: number; gini: number; brier: number; fit: BaselineFit };
        banks: Record<string, { local_only?: { auc: number; ks: number; fit: BaselineFit } }>;
      };
      if (baselines.includes('centralized') && b.centralized)
        centralized = {
          auc: b.centralized.auc,
          ks: b.centralized.ks,
          gini: b.centralized.gini,
          brier: b.centralized.brier,
          fit: b.centralized.fit,
        };
      if (baselines.includes('local'))
        for (const bank of opts.banks) {
          const l = b.banks[bank.name]?.local_only;
          if (l) bankResults[bank.name].local_only = { auc: l.auc, ks: l.ks, fit: l.fit };
          // Each bank personalises on its own machine, as its operator would: `benefit` with its agent state.
          const p = await personalizeBank(supervisor, agentBin, workDir, bank, final.weightsPath, opts.rounds);
          bankResults[bank.name].personalized = p;
        }
    }
    // "Better off" counts the model each bank would use: its personalised choice when known, else the champion.
    const chosen = (r: SimulationResult['banks'][string]) => r.personalized ?? r.global;
    const gains = Object.values(bankResults).flatMap((r) => {
      const c = chosen(r);
      return c && r.local_only ? [c.auc - r.local_only.auc] : [];
    });
    const personalizedAll = Object.values(bankResults).every((r) => r.personalized);
    const benefit = gains.length
      ? {
          banks: gains.length,
          improved: gains.filter((g) => g > 0).length,
          medianAucGain: median(gains),
          model: personalizedAll ? ('personalized' as const) : ('global' as const),
        }
      : undefined;
    const reportPath = path.resolve(path.dirname(opts.outFile), `${path.basename(opts.outFile, '.json')}.report.html`);
    fs.writeFileSync(
      reportPath,
      renderHtmlReport({
        federationName: federation.name,
        generatedAt: new Date().toISOString(),
        plan: reportPlanSummary(plan, federation.planSha256),
        rounds: rounds.map((r) => ({
          number: r.number,
          contributors: r.contributors.length,
          metrics: roundMetrics.get(r.number) ?? null,
          test: testMetrics.get(r.number) ?? null,
        })),
        final: finalEvaluation?.test ?? finalMetrics,
        finalRows: finalEvaluation?.test ? 'test' : 'validation',
        selection: reportSelection(selection),
        benefit,
        baselines: centralized
          ? { centralized: { auc: centralized.auc, ks: centralized.ks, fit: describeFit(centralized.fit) } }
          : undefined,
      }),
    );
    const result: SimulationResult = {
      federation: {
        id: federation.id,
        name: federation.name,
        planSha256: federation.planSha256,
        numParams: federation.numParams,
      },
      workDir,
      holdoutFraction: plan.holdout.fraction,
      rounds,
      best_round: selection.best?.roundNumber ?? null,
      champion: selection.champion
        ? {
            modelVersionId: selection.champion.modelVersionId,
            roundNumber: selection.champion.roundNumber,
            metric: selection.policy.metric,
            promotionMargin: selection.policy.promotionMargin,
          }
        : null,
      validation: finalMetrics ? globalFigures(finalMetrics) : null,
      test: finalEvaluation?.test ? globalFigures(finalEvaluation.test) : null,
      stopped_early: stoppedEarly,
      final,
      banks: bankResults,
      ...(centralized ? { centralized } : {}),
      ...(benefit ? { benefit } : {}),
      reportPath,
    };
    fs.mkdirSync(path.dirname(path.resolve(opts.outFile)), { recursive: true });
    fs.writeFileSync(opts.outFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await supervisor.stopAll();
  }
}
