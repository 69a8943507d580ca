import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { parsePlanText } from '@syndicate/protocol';
import { registerSchemaCommand } from './schema-command';
import { newKeyMaterial, saveIdentity } from '../crypto/identity-store';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-schema-cli-'));
const csv = path.join(dir, 'bank.csv');
fs.writeFileSync(
  csv,
  'customer_id,income,segment,default\n' +
    Array.from(
      { length: 60 },
      (_, i) => `${i},${1000 + 37 * i},${['retail', 'sme', ''][i % 3]},${i % 7 === 0 ? 1 : 0}`,
    ).join('\n') +
    '\n',
);

async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return runSchema('infer', ...args);
}

async function runSchema(sub: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('syndicate-agent').exitOverride();
  registerSchemaCommand(program);
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    await program.parseAsync(['node', 'syndicate-agent', 'schema', sub, ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

const planAround = (schemaText: string, format: 'yaml' | 'json') =>
  format === 'yaml'
    ? `name: p\nmodel: { template: logistic_regression }\nschema:\n${schemaText.replace(/^/gm, '  ')}`
    : JSON.stringify({ name: 'p', model: { template: 'logistic_regression' }, schema: JSON.parse(schemaText) });

describe('syndicate-agent schema infer', () => {
  it('prints a YAML schema a plan accepts, and a summary on stderr', async () => {
    const { stdout, stderr } = await run(csv);
    const plan = parsePlanText(planAround(stdout, 'yaml'), 'plan.yaml');
    expect(plan.schema.features.map((f) => [f.name, f.type, f.missing])).toEqual([
      ['income', 'numeric', 'error'],
      ['segment', 'categorical', 'category'],
    ]);
    expect(plan.schema.target.name).toBe('default');
    expect(stderr).toMatch(/bank\.csv: 60 rows; positive rate 15\.0%/);
    expect(stderr).toMatch(/left out\s+customer_id: looks like an identifier/);
    expect(stderr).toMatch(/categorical\s+segment: 2 values, 20 missing -> missing: category/);
  });

  it('writes JSON to --out and honours --target', async () => {
    const out = path.join(dir, 'schema.json');
    const { stdout, stderr } = await run(csv, '--out', out, '--target', 'default');
    expect(stdout).toBe('');
    expect(stderr).toMatch(/schema written to .*schema\.json/);
    const schema = JSON.parse(fs.readFileSync(out, 'utf8')) as { target: { name: string } };
    expect(schema.target.name).toBe('default');
    expect(() => parsePlanText(planAround(fs.readFileSync(out, 'utf8'), 'json'))).not.toThrow();
  });

  it('refuses a bad --max-categories and a non-binary target', async () => {
    await expect(run(csv, '--max-categories', '1')).rejects.toThrow(
      /--max-categories must be an integer from 2 to 1000/,
    );
    await expect(run(csv, '--target', 'income')).rejects.toThrow(/target column income must hold only 0 and 1/);
  });
});

describe('syndicate-agent schema check --state-dir', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('checks against the plan stored at enrollment, with no --plan', async () => {
    const stateDir = path.join(dir, 'enrolled');
    const plan = {
      name: 'enrolled-plan',
      model: { template: 'logistic_regression' },
      schema: { features: [{ name: 'income', type: 'numeric' }], target: { name: 'default' } },
    };
    saveIdentity(stateDir, {
      coordinator: 'c:1',
      federationId: 'f',
      participantId: 'p',
      keyEpoch: 0,
      planJson: JSON.stringify(plan),
      ...newKeyMaterial(),
    });
    const r = await runSchema('check', csv, '--state-dir', stateDir);
    expect(r.stdout).toMatch(/60 rows match the schema of plan enrolled-plan/);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('says what to pass when the directory holds no enrollment', async () => {
    await expect(runSchema('check', csv, '--state-dir', path.join(dir, 'nothing'))).rejects.toThrow(
      /holds no enrollment: pass --state-dir DIR of an enrolled agent, or --plan FILE/,
    );
  });
});
