import { fedAvgStrategy } from '../fedavg';
import { AccumulatorRegistry } from './accumulator-registry';
import { EncryptedAccumulator } from './encrypted.accumulator';
import { PlaintextFieldsAccumulator } from './plaintext-fields.accumulator';
import { PlaintextFloatAccumulator } from './plaintext-float.accumulator';

describe('AccumulatorRegistry', () => {
  const registry = new AccumulatorRegistry(
    new PlaintextFloatAccumulator(fedAvgStrategy),
    new PlaintextFieldsAccumulator(),
    new EncryptedAccumulator(),
  );

  it('sums every secure contribution as ciphertexts', () => {
    for (const kind of ['model', 'count', 'evaluation', 'stats'] as const)
      expect(registry.for('secure', kind).name).toBe('encrypted');
  });

  it('sums plaintext updates as floats, histograms and feature statistics as exact fields', () => {
    expect(registry.for('plaintext', 'model').name).toBe('plaintext-float');
    expect(registry.for('plaintext', 'evaluation').name).toBe('plaintext-fields');
    expect(registry.for('plaintext', 'stats').name).toBe('plaintext-fields');
  });

  it('has no plaintext accumulator for sample counts (a plaintext update carries its own)', () => {
    expect(registry.find('plaintext', 'count')).toBeUndefined();
    expect(() => registry.for('plaintext', 'count')).toThrow('a plaintext round takes no count contributions');
  });
});
