import type { Dataset } from './csv-dataset';
import { splitHoldout, splitValidationTest } from './holdout-split';

/** One feature holding the row's index, so every row can be traced after a split. */
const indexed = (rows: number): Dataset => ({
  features: Float32Array.from({ length: rows }, (_, i) => i),
  labels: Float32Array.from({ length: rows }, (_, i) => i % 2),
  rows,
  inputDim: 1,
});

describe('validation and test rows', () => {
  it('split the holdout into two disjoint parts fixed by the seed', () => {
    const { holdout } = splitHoldout(indexed(1000), 0.2, 7);
    const a = splitValidationTest(holdout, 0.5, 7);
    const b = splitValidationTest(holdout, 0.5, 7);
    expect(Array.from(a.validation.features)).toEqual(Array.from(b.validation.features));
    expect(a.validation.rows + a.test.rows).toBe(holdout.rows);
    expect(a.validation.rows).toBe(100);
    const v = new Set(a.validation.features);
    expect(Array.from(a.test.features).some((x) => v.has(x))).toBe(false);
    expect(new Set([...a.validation.features, ...a.test.features])).toEqual(new Set(holdout.features));
    // Another seed chooses other rows.
    expect(Array.from(splitValidationTest(holdout, 0.5, 8).validation.features)).not.toEqual(
      Array.from(a.validation.features),
    );
  });

  it('honour the fraction and keep a one-row holdout for validation', () => {
    const { holdout } = splitHoldout(indexed(1000), 0.2, 7);
    expect(splitValidationTest(holdout, 0.25, 7).validation.rows).toBe(50);
    const one = splitValidationTest(indexed(1), 0.5, 7);
    expect([one.validation.rows, one.test.rows]).toEqual([1, 0]);
  });
});
