export type Rand = () => number;

export const normal = (r: Rand): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
export const logNormal = (r: Rand, mu: number, sigma: number): number => Math.exp(mu + sigma * normal(r));

export function poisson(r: Rand, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = r();
  while (p > limit) {
    k++;
    p *= r();
  }
  return k;
}

export function pickWeighted<K extends string>(r: Rand, mix: Record<K, number>): K {
  const entries = Object.entries(mix) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let u = r() * total;
  for (const [k, w] of entries) if ((u -= w) < 0) return k;
  return entries[entries.length - 1][0];
}
