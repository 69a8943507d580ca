import { evaluationFieldCount } from '../evaluation/evaluation-contribution';
import { contributionFieldCount, planSecureSpec } from '../he/secure-update';
import { modelLayout } from '../plan/model-layout';
import { parseTrainingPlan } from '../plan/training-plan';
import { encryptedSizeFor } from '../he/ciphertext-sum';
import { heRuntime } from '../he/seal-runtime';
import {
  aggregateEncoding,
  contributionEncoding,
  contributionMaxBytes,
  contributionValues,
} from './contribution-shape';

const plan = parseTrainingPlan({
  name: 'unit',
  schema: {
    features: [
      { name: 'a', type: 'numeric' },
      { name: 'b', type: 'numeric' },
    ],
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [3] },
});
const numParams = modelLayout(plan).numParams;

describe('contribution shape', () => {
  it('secure contributions are BFV ciphertexts of every kind', () => {
    for (const kind of ['model', 'count', 'evaluation', 'stats'] as const)
      expect(contributionEncoding('secure', kind)).toBe('PAYLOAD_ENCODING_BFV_PACKED');
    expect(aggregateEncoding('secure')).toBe('PAYLOAD_ENCODING_BFV_PACKED');
  });

  it('plaintext updates are float32, histograms and feature statistics exact uint32, sums float64', () => {
    expect(contributionEncoding('plaintext', 'model')).toBe('PAYLOAD_ENCODING_FLOAT32_LE');
    expect(contributionEncoding('plaintext', 'evaluation')).toBe('PAYLOAD_ENCODING_UINT32_LE');
    expect(contributionEncoding('plaintext', 'stats')).toBe('PAYLOAD_ENCODING_UINT32_LE');
    expect(aggregateEncoding('plaintext')).toBe('PAYLOAD_ENCODING_FLOAT64_LE');
  });

  it('a plaintext update carries one value per parameter; a secure one its packed fields', () => {
    expect(contributionValues(plan, 'model', 'plaintext')).toBe(numParams);
    expect(contributionValues(plan, 'model', 'secure')).toBe(
      contributionFieldCount(planSecureSpec(plan), 'model', numParams),
    );
    expect(contributionValues(plan, 'count', 'secure')).toBe(
      contributionFieldCount(planSecureSpec(plan), 'count', numParams),
    );
  });

  it('an evaluation carries the fields of its own bin count, for validation and test rows', () => {
    expect(contributionValues(plan, 'evaluation', 'plaintext', 40)).toBe(
      2 * evaluationFieldCount(planSecureSpec(plan), 40),
    );
    expect(contributionValues(plan, 'evaluation', 'plaintext', 40)).not.toBe(
      contributionValues(plan, 'evaluation', 'plaintext', 80),
    );
  });

  it('bounds a payload by its values: 4 bytes each in plaintext, the ciphertexts when secure', async () => {
    const { parameterSet } = planSecureSpec(plan);
    expect(await contributionMaxBytes('plaintext', 10, parameterSet)).toBe(40);
    expect(await contributionMaxBytes('secure', 10, parameterSet)).toBe(
      encryptedSizeFor(await heRuntime(parameterSet), 10),
    );
  });
});
