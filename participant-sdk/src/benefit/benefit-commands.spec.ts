import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { encodeFloat32, initialWeights, modelLayout, readPlanFile } from '@syndicate/protocol';
import { writePulledModel } from '../agent/model-pull';
import { newKeyMaterial, saveIdentity } from '../crypto/identity-store';
import { registerBenefitCommands } from './benefit-commands';

const FIXTURES = path.join(__dirname, 'fixtures');
const PLAN_FILE = path.join(FIXTURES, 'plan.json');
const plan = readPlanFile(PLAN_FILE);
const csv = (bank: string) => path.join(FIXTURES, `${bank}.csv`);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-benefit-'));

/** Runs `syndicate-agent <args>` in-process; commander's exits become thrown CommanderErrors. */
async function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('syndicate-agent')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerBenefitCommands(program, {
    withTransport: (c) => c.option('--insecure', 'plaintext'),
    transportOf: (o) => ({ insecure: o.insecure }),
  });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    await program.parseAsync(['node', 'syndicate-agent', ...args]);
    return { stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function refusal(args: string[]): Promise<string> {
  try {
    await cli(args);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`expected syndicate-agent ${args.join(' ')} to refuse`);
}

function enrolledStateDir(): string {
  const dir = path.join(tmp(), 'state');
  saveIdentity(dir, {
    coordinator: '127.0.0.1:1',
    federationId: 'fed_test',
    participantId: 'part_test',
    keyEpoch: 0,
    planJson: JSON.stringify(plan),
    ...newKeyMaterial(),
  });
  return dir;
}

beforeAll(() => {
  process.env.SYNDICATE_TF_BACKEND = 'cpu';
});

describe('syndicate-agent benefit', () => {
  it('compares a local-only model with a saved global model, without a coordinator', async () => {
    const state = enrolledStateDir();
    const weights = path.join(tmp(), 'global.f32');
    const global = initialWeights({ ...plan, seed: 7 });
    fs.writeFileSync(weights, encodeFloat32(global));
    const out = path.join(tmp(), 'benefit.json');
    const r = await cli([
      'benefit',
      '--state-dir',
      state,
      '--data',
      csv('alpine'),
      '--global-weights',
      weights,
      '--rounds',
      '1',
      '--out',
      out,
    ]);
    // local-only, global, personalized, then both gains over local-only.
    expect(r.stdout).toMatch(/^AUC(\s+\d\.\d{4}){3}\s+[+-]\d\.\d{4}\s+[+-]\d\.\d{4}/m);
    expect(r.stdout).toMatch(/^PR AUC/m);
    expect(r.stdout).toMatch(
      /^personalized = (local-only: no other model beat it clearly|(global|fine-tuned|blend).*beat local-only clearly) on the \d+ validation rows by auc/m,
    );
    expect(r.stdout).toMatch(/share of 200 bootstrap resamples won against local-only: global \d\.\d\d/);
    expect(r.stderr).toMatch(/local-only: round 1\/1/);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(json).toMatchObject({
      federationId: 'fed_test',
      participantId: 'part_test',
      rounds: 1,
      trainExamples: 480,
      globalModel: { source: weights },
    });
    expect(json.validationExamples + json.testExamples).toBe(120);
    expect(json.testExamples).toBe(json.global.numExamples);
    expect(json.localFit).toMatchObject({ method: 'early-stopping', maxRounds: 1 });
    expect(['global', 'local_only', 'fine_tuned', 'blend']).toContain(json.choice.model);
    // The guarantee is on the rows that chose: the chosen model is at least as good as the bank alone there.
    const v = json.choice.validation;
    expect(v[json.choice.model]).toBeGreaterThanOrEqual(v.local_only);
    expect(Object.keys(json.personalizedGain)).toEqual(['auc', 'ks', 'gini', 'brier', 'prAuc']);
    const kept = path.join(state, 'personalized-model.json');
    expect(fs.statSync(kept).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(kept, 'utf8')).model).toBe(json.choice.model);
    expect(Object.keys(json.local_only)).toEqual(expect.arrayContaining(['rocAuc', 'ks', 'gini', 'brier', 'prAuc']));
    expect(Object.keys(json.gain)).toEqual(['auc', 'ks', 'gini', 'brier', 'prAuc']);
  });

  it("takes the rounds from a model pull's JSON file", async () => {
    const file = path.join(tmp(), 'model.json');
    writePulledModel(file, plan, {
      modelVersionId: 'mv_1',
      roundNumber: 1,
      sealed: false,
      weights: initialWeights(plan),
    });
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    // Self-describing: the schema (with its scaling) the weights expect, and each tensor by name.
    expect(written.schema).toEqual(plan.schema);
    expect(written.tensors.map((t: { name: string }) => t.name)).toEqual(modelLayout(plan).tensors.map((t) => t.name));
    const r = await cli([
      'benefit',
      '--state-dir',
      enrolledStateDir(),
      '--data',
      csv('delta'),
      '--global-weights',
      file,
      '--json',
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ rounds: 1, globalModel: { modelVersionId: 'mv_1', roundNumber: 1 } });
  });

  it('refuses missing and invalid arguments with clear messages', async () => {
    const state = enrolledStateDir();
    const f32 = path.join(tmp(), 'w.f32');
    fs.writeFileSync(f32, encodeFloat32(initialWeights(plan)));
    const short = path.join(tmp(), 'short.f32');
    fs.writeFileSync(short, encodeFloat32(new Float32Array(5)));
    expect(await refusal(['benefit', '--state-dir', state])).toMatch(
      /required option '--data <file.csv>' not specified/,
    );
    expect(await refusal(['benefit', '--data', csv('delta'), '--state-dir', path.join(tmp(), 'none')])).toMatch(
      /holds no enrollment/,
    );
    expect(
      await refusal([
        'benefit',
        '--state-dir',
        state,
        '--data',
        csv('delta'),
        '--model',
        'mv_1',
        '--global-weights',
        f32,
      ]),
    ).toMatch(/--model and --global-weights are alternatives/);
    expect(await refusal(['benefit', '--state-dir', state, '--data', csv('delta'), '--global-weights', f32])).toMatch(
      /--rounds is needed/,
    );
    expect(
      await refusal([
        'benefit',
        '--state-dir',
        state,
        '--data',
        csv('delta'),
        '--global-weights',
        short,
        '--rounds',
        '1',
      ]),
    ).toMatch(/5 parameters, the model has/);
    expect(
      await refusal([
        'benefit',
        '--state-dir',
        state,
        '--data',
        csv('delta'),
        '--global-weights',
        path.join(tmp(), 'nope.f32'),
        '--rounds',
        '1',
      ]),
    ).toMatch(/cannot be read \(ENOENT\)/);
    expect(await refusal(['benefit', '--state-dir', state, '--data', csv('delta'), '--rounds', '0'])).toMatch(
      /--rounds <n>' argument '0' is invalid. must be a whole number of rounds/,
    );
    expect(
      await refusal([
        'benefit',
        '--state-dir',
        state,
        '--data',
        path.join(tmp(), 'missing.csv'),
        '--global-weights',
        f32,
        '--rounds',
        '1',
      ]),
    ).toMatch(/missing\.csv cannot be read/);
  });

  it('says in its help that nothing is sent to the coordinator', async () => {
    let help = '';
    const program = new Command('syndicate-agent');
    registerBenefitCommands(program, { withTransport: (c) => c, transportOf: () => ({}) });
    program.commands
      .find((c) => c.name() === 'benefit')!
      .configureOutput({ writeOut: (s) => (help += s) })
      .outputHelp();
    expect(help).toMatch(/Nothing is sent to the coordinator/);
  });
});

describe('syndicate-agent baseline', () => {
  it('prints the pooled and local-only figures for every bank as JSON', async () => {
    const r = await cli([
      'baseline',
      '--plan',
      PLAN_FILE,
      '--data',
      `cascade=${csv('cascade')}`,
      '--data',
      `delta=${csv('delta')}`,
      '--rounds',
      '1',
      '--local-only',
      '--json',
    ]);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json.banks)).toEqual(['cascade', 'delta']);
    expect(json.centralized).toEqual(
      expect.objectContaining({
        auc: expect.any(Number),
        ks: expect.any(Number),
        gini: expect.any(Number),
        brier: expect.any(Number),
      }),
    );
    expect(json.banks.delta.local_only).toEqual(
      expect.objectContaining({ auc: expect.any(Number), ks: expect.any(Number) }),
    );
    expect(r.stderr).toMatch(/centralized: round 1\/1/);
  });

  it('refuses missing and invalid arguments with clear messages', async () => {
    const ok = ['--plan', PLAN_FILE, '--data', `delta=${csv('delta')}`, '--rounds', '1'];
    expect(await refusal(['baseline', '--data', `delta=${csv('delta')}`, '--rounds', '1'])).toMatch(
      /required option '--plan <file>' not specified/,
    );
    expect(await refusal(['baseline', '--plan', PLAN_FILE, '--rounds', '1'])).toMatch(
      /required option '--data <name=file.csv>' not specified/,
    );
    expect(await refusal(['baseline', '--plan', PLAN_FILE, '--data', `delta=${csv('delta')}`])).toMatch(
      /required option '--rounds <n>' not specified/,
    );
    expect(await refusal(['baseline', ...ok, '--rounds', 'two'])).toMatch(/argument 'two' is invalid/);
    expect(await refusal(['baseline', ...ok, '--data', csv('cascade')])).toMatch(/must be NAME=FILE.csv/);
    expect(await refusal(['baseline', ...ok, '--data', `delta=${csv('cascade')}`])).toMatch(
      /bank "delta" is given twice/,
    );
    expect(await refusal(['baseline', ...ok, '--data', `gone=${path.join(tmp(), 'gone.csv')}`])).toMatch(
      /gone\.csv cannot be read/,
    );
    expect(await refusal(['baseline', ...ok, '--plan', path.join(tmp(), 'plan.json')])).toMatch(
      /plan\.json: cannot be read/,
    );
  });

  it('warns in its help never to run it on real bank data', async () => {
    let help = '';
    const program = new Command('syndicate-agent');
    registerBenefitCommands(program, { withTransport: (c) => c, transportOf: () => ({}) });
    program.commands
      .find((c) => c.name() === 'baseline')!
      .configureOutput({ writeOut: (s) => (help += s) })
      .outputHelp();
    expect(help).toMatch(/Never use this on real banks' data/);
  });
});
