import { parseTrainingPlan, PlanValidationError, planIssues, type TrainingPlanInput } from './training-plan';
import { effectiveQuorum, isQuorumProblem, SECURE_QUORUM_MIN } from './quorum';

const plan = (rounds: TrainingPlanInput['rounds'], mode?: 'plaintext' | 'secure'): TrainingPlanInput => ({
  name: 'quorum-spec',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds,
  ...(mode ? { aggregation: { mode } } : {}),
});
const problems = (input: TrainingPlanInput): string[] => {
  try {
    parseTrainingPlan(input);
    return [];
  } catch (err) {
    if (err instanceof PlanValidationError) return err.problems;
    throw err;
  }
};

describe('quorum of a secure federation', () => {
  it('refuses 1 and 2 in a secure plan, naming the field, the value, the minimum and the fix', () => {
    for (const value of [1, 2]) {
      const found = problems(plan({ minParticipants: value }, 'secure'));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(
        new RegExp(
          `^rounds\\.minParticipants: rounds\\.minParticipants is ${value}, but a secure federation needs a quorum of at least 3: .*Set rounds\\.minParticipants to 3 or more`,
        ),
      );
      expect(isQuorumProblem(found[0])).toBe(true);
    }
    // The default mode is secure.
    expect(problems(plan({ minParticipants: 2 }))).toHaveLength(1);
  });

  it('accepts 3 and more (positive control), and defaults a secure plan to 3', () => {
    expect(parseTrainingPlan(plan({ minParticipants: 3 }, 'secure')).rounds.minParticipants).toBe(3);
    expect(parseTrainingPlan(plan({ minParticipants: 7 })).rounds.minParticipants).toBe(7);
    expect(parseTrainingPlan(plan(undefined, 'secure')).rounds.minParticipants).toBe(SECURE_QUORUM_MIN);
  });

  it('leaves plaintext federations their rules: default 2, 1 allowed', () => {
    expect(parseTrainingPlan(plan(undefined, 'plaintext')).rounds.minParticipants).toBe(2);
    expect(parseTrainingPlan(plan({ minParticipants: 1 }, 'plaintext')).rounds.minParticipants).toBe(1);
  });

  it('still checks maxParticipants against the quorum in force, and lists the quorum beside other problems', () => {
    expect(problems(plan({ minParticipants: 5, maxParticipants: 4 }, 'plaintext'))).toEqual([
      'rounds: maxParticipants must be >= minParticipants (5)',
    ]);
    expect(problems(plan({ maxParticipants: 2 }, 'secure'))).toEqual([
      'rounds: maxParticipants must be >= minParticipants (3)',
    ]);
    const { issues } = planIssues({ ...plan({ minParticipants: 2 }, 'secure'), model: { template: 'nope' } });
    expect(issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['model.template', 'rounds.minParticipants']),
    );
  });

  it('lifts what a round runs with to the floor in secure mode only', () => {
    expect(effectiveQuorum('secure', 2)).toBe(3);
    expect(effectiveQuorum('secure', 5)).toBe(5);
    expect(effectiveQuorum('plaintext', 1)).toBe(1);
  });
});
