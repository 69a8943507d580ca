import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTrainingPlan, type NumericFeatureSpec, type TrainingPlan } from '@syndicate/protocol';
import { effectivePlan, saveStandardization, standardizationPath } from './standardization-file';

const planWith = (standardize: 'fixed' | 'federated'): TrainingPlan =>
  parseTrainingPlan({
    name: 'std-file',
    model: { template: 'logistic_regression' },
    schema: {
      features: [
        { name: 'income', type: 'numeric', log1p: true, standardize },
        { name: 'age', type: 'numeric', center: 40, scale: 10 },
      ],
      target: { name: 'default' },
    },
  });

const stateDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-std-file-'));
const income = (p: TrainingPlan) => p.schema.features.find((f) => f.name === 'income') as NumericFeatureSpec;

describe('effectivePlan', () => {
  it('leaves a plan without federated features as it is', () => {
    const plan = planWith('fixed');
    expect(effectivePlan(stateDir(), plan)).toBe(plan);
  });

  it('scales federated features with the consortium moments the agent recorded', () => {
    const dir = stateDir();
    saveStandardization(dir, { count: [4], sum: [8], sumSquares: [20] });
    expect(fs.statSync(standardizationPath(dir)).mode & 0o777).toBe(0o600);
    const p = effectivePlan(dir, planWith('federated'));
    expect(income(p).center).toBe(2);
    expect(income(p).scale).toBe(1);
    expect(p.schema.features[1]).toMatchObject({ center: 40, scale: 10 });
  });

  it('refuses, saying how to get them, when none are recorded yet', () => {
    const dir = stateDir();
    expect(() => effectivePlan(dir, planWith('federated'))).toThrow(
      /scales income with consortium statistics, and .*standardization\.json does not exist yet: syndicate-agent run records them/,
    );
  });

  it('names the file when it holds something else', () => {
    const dir = stateDir();
    fs.writeFileSync(standardizationPath(dir), '{"count":[1],"sum":["x"]}');
    expect(() => effectivePlan(dir, planWith('federated'))).toThrow(
      /standardization\.json does not hold feature moments/,
    );
    fs.writeFileSync(standardizationPath(dir), '{"count":[1,2],"sum":[1,2],"sumSquares":[1,2]}');
    expect(() => effectivePlan(dir, planWith('federated'))).toThrow(
      /standardization\.json: moments cover 2 features, the plan standardizes 1/,
    );
    fs.writeFileSync(standardizationPath(dir), 'not json');
    expect(() => effectivePlan(dir, planWith('federated'))).toThrow(/standardization\.json is not readable JSON/);
  });
});
