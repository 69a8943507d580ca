import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatPlanText, parsePlanText, planTextFormat, readPlanFile } from './plan-file';
import { parseTrainingPlan, PlanValidationError } from './training-plan';

function problems(text: string, fileName?: string): string[] {
  try {
    parsePlanText(text, fileName);
  } catch (e) {
    if (e instanceof PlanValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a PlanValidationError');
}

const yamlPlan = `# credit risk, YAML
name: yaml-plan
schema:
  features:
    - { name: income, type: numeric, log1p: true, standardize: federated, missing: mean }
    - name: region
      type: categorical
      vocabulary: [north, south]
      missing: category
  target: { name: default }
model:
  template: mlp
  hiddenUnits: [8]
serverOptimizer:
  type: fedadam
`;

describe('parsePlanText', () => {
  it('reads YAML and JSON to the same plan', () => {
    const fromYaml = parsePlanText(yamlPlan, 'plan.yaml');
    expect(fromYaml.schema.features[1]).toEqual({
      name: 'region',
      type: 'categorical',
      vocabulary: ['north', 'south'],
      missing: 'category',
    });
    expect(fromYaml.serverOptimizer.type).toBe('fedadam');
    expect(parsePlanText(JSON.stringify(fromYaml))).toEqual(fromYaml);
    expect(parsePlanText(formatPlanText(fromYaml, 'yaml'), 'again.yml')).toEqual(fromYaml);
  });

  it('parses the example plans the same as parseTrainingPlan', () => {
    const file = path.join(__dirname, '../../../examples/credit-risk/plan.json');
    expect(readPlanFile(file)).toEqual(parseTrainingPlan(JSON.parse(fs.readFileSync(file, 'utf8'))));
  });

  it('accepts every example plan in both aggregation modes, every feature kept (federated standardisation included)', () => {
    const examples = path.join(__dirname, '../../../examples');
    for (const file of ['credit-risk/plan.json', 'credit-risk/plan-logistic.json', 'fraud/plan.json']) {
      const text = fs.readFileSync(path.join(examples, file), 'utf8');
      const asMode = (mode: 'secure' | 'plaintext') =>
        parsePlanText(text.replace(/"mode": "(secure|plaintext)"/, `"mode": "${mode}"`), file);
      const secure = asMode('secure');
      const plaintext = asMode('plaintext');
      expect([secure.aggregation.mode, plaintext.aggregation.mode]).toEqual(['secure', 'plaintext']);
      // The mode is the only difference: nothing is dropped, refused or defaulted differently.
      expect({ ...plaintext, aggregation: secure.aggregation }).toEqual(secure);
    }
    const standardised = readPlanFile(path.join(examples, 'credit-risk/plan.json')).schema.features.filter(
      (f) => f.type === 'numeric' && f.standardize === 'federated',
    );
    expect(standardised.length).toBeGreaterThan(0);
  });

  it('picks the format by extension, else by the first character', () => {
    expect(planTextFormat('{}', 'p.yaml')).toBe('yaml');
    expect(planTextFormat('name: x', 'p.JSON')).toBe('json');
    expect(planTextFormat('  {"a": 1}')).toBe('json');
    expect(planTextFormat('name: x')).toBe('yaml');
  });

  it('names the line and column of YAML syntax errors', () => {
    expect(problems('name: x\nschema:\n  features: [1, 2\nmodel: {}\n', 'plan.yaml')).toEqual([
      expect.stringMatching(/^plan\.yaml: line \d, column \d+: not valid YAML: /),
    ]);
    expect(problems('name: a\nname: b\n', 'p.yaml')).toEqual([
      expect.stringMatching(/^p\.yaml: line 2, column 1: not valid YAML: .*unique/i),
    ]);
  });

  it('names the line and column of JSON syntax errors', () => {
    expect(problems('{\n  "name": "x",\n  "seed": 4\n  "model": {}\n}', 'plan.json')).toEqual([
      expect.stringMatching(/^plan\.json: line 4, column 3: not valid JSON: Expected ','/),
    ]);
    expect(problems('{\n  "name": "x",\n  "seed": }\n', 'plan.json')).toEqual([
      expect.stringMatching(/^plan\.json: line 3, column 11: not valid JSON: Unexpected token '}'$/),
    ]);
    expect(problems('{"a": [1, 2,]}')).toEqual([
      expect.stringMatching(/^\(plan\): line 1, column 13: not valid JSON: /),
    ]);
    expect(problems('{"a": "x\\q"}')).toEqual([
      expect.stringMatching(/^\(plan\): line 1, column 10: not valid JSON: /),
    ]);
  });

  it('lists every schema problem with the line it is on', () => {
    const text = yamlPlan
      .replace('log1p: true', 'log1p: maybe')
      .replace('hiddenUnits: [8]', 'hiddenUnits: [0]')
      .replace('type: fedadam', 'type: fedadam\n  beta2: 2');
    expect(problems(text, 'plan.yaml')).toEqual([
      'schema.features.0 (income).log1p: Expected boolean, received string (line 5)',
      'model.hiddenUnits.0: Number must be greater than or equal to 1 (line 13)',
      'serverOptimizer.beta2: Number must be less than 1 (line 16)',
    ]);
    // A missing key points at the mapping that lacks it.
    expect(problems('name: p\nschema:\n  features: [{ name: a, type: numeric }]\n', 'p.yaml')).toEqual([
      'schema.target: Required (line 3)',
      'model: Required (line 1)',
    ]);
  });

  it('refuses an empty plan and an unreadable file', () => {
    expect(problems('', 'p.yaml')).toEqual(['p.yaml: the plan is empty']);
    expect(() => readPlanFile(path.join(os.tmpdir(), 'no-such-plan.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
  });
});
