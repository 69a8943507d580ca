/**
 * Pearson's statistic over 16 equal ranges of [0, range): values uniform on that range stay below
 * the critical value at the chosen significance; structured ones (a bank's packed figures) do not.
 */
export function chiSquare16(values: ArrayLike<number>, range: number): number {
  const counts = new Array<number>(16).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.floor((values[i] / range) * 16)]++;
  const e = values.length / 16;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}

/**
 * Chi-square with 15 degrees of freedom at significance 1e-6 (56.49): for checks on masks the agent draws afresh, bound to a
 * round id the coordinator draws at random, so no seed can fix them; a false alarm is then one run in a million per check.
 */
export const CRITICAL_15_DF_1E6 = 56.5;
