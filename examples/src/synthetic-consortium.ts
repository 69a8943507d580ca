import { seededRandom } from '@syndicate/protocol';

export const REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
export const PRODUCTS = ['card', 'personal_loan', 'mortgage', 'auto'] as const;
export type Region = (typeof REGIONS)[number];
export type Product = (typeof PRODUCTS)[number];

export interface LoanRow {
  income: number;
  debt_to_income: number;
  utilisation: number;
  delinquencies_2y: number;
  tenure_months: number;
  age: number;
  num_accounts: number;
  region: Region;
  product: Product;
  default: 0 | 1;
}

export const CSV_COLUMNS: (keyof LoanRow)[] = [
  'income',
  'debt_to_income',
  'utilisation',
  'delinquencies_2y',
  'tenure_months',
  'age',
  'num_accounts',
  'region',
  'product',
  'default',
];

/** How one bank's book differs from the others: that difference is what makes the consortium non-IID. */
export interface BankProfile {
  name: string;
  loans: number;
  targetDefaultRate: number;
  medianIncome: number;
  regionMix: Record<Region, number>;
  productMix: Record<Product, number>;
  /** Shifts risk appetite: a bank lending to stretched borrowers sees higher DTI and utilisation. */
  stretch: number;
  /**
   * Where this bank's defaults follow their own law: coefficients that replace the consortium's (a
   * regional economy where other things drive default). Absent: the consortium's law.
   */
  ownRisk?: Partial<RiskLaw>;
}

/** The weights of the risk law on standardised features (and per product). */
export interface RiskLaw {
  income: number;
  debtToIncome: number;
  utilisation: number;
  delinquencies: number;
  tenure: number;
  age: number;
  accounts: number;
  product: Record<Product, number>;
}

export const DEMO_BANKS: BankProfile[] = [
  {
    name: 'alpine',
    loans: 12000,
    targetDefaultRate: 0.04,
    medianIncome: 68000,
    stretch: -0.4,
    regionMix: { north: 0.45, south: 0.05, east: 0.1, west: 0.1, central: 0.3 },
    productMix: { card: 0.25, personal_loan: 0.15, mortgage: 0.45, auto: 0.15 },
  },
  {
    name: 'baltic',
    loans: 6000,
    targetDefaultRate: 0.07,
    medianIncome: 52000,
    stretch: 0,
    regionMix: { north: 0.3, south: 0.05, east: 0.5, west: 0.05, central: 0.1 },
    productMix: { card: 0.45, personal_loan: 0.3, mortgage: 0.15, auto: 0.1 },
  },
  {
    name: 'cascade',
    loans: 3000,
    targetDefaultRate: 0.1,
    medianIncome: 47000,
    stretch: 0.3,
    regionMix: { north: 0.05, south: 0.35, east: 0.05, west: 0.45, central: 0.1 },
    productMix: { card: 0.35, personal_loan: 0.15, mortgage: 0.1, auto: 0.4 },
  },
  {
    name: 'delta',
    loans: 1200,
    targetDefaultRate: 0.14,
    medianIncome: 39000,
    stretch: 0.6,
    regionMix: { north: 0.05, south: 0.5, east: 0.05, west: 0.1, central: 0.3 },
    productMix: { card: 0.4, personal_loan: 0.4, mortgage: 0.05, auto: 0.15 },
  },
  {
    // A farming region's lender: revolving lines drawn before harvest are normal there (utilisation
    // says little, even the reverse), seasonal income is a weak signal, while a short relationship
    // and mortgages in a falling land market carry the risk. The global model serves it worse than its own.
    name: 'estuary',
    loans: 3500,
    targetDefaultRate: 0.09,
    medianIncome: 45000,
    stretch: 0.2,
    regionMix: { north: 0.1, south: 0.1, east: 0.1, west: 0.6, central: 0.1 },
    productMix: { card: 0.2, personal_loan: 0.2, mortgage: 0.35, auto: 0.25 },
    ownRisk: {
      income: -0.4,
      utilisation: 0,
      debtToIncome: 0.5,
      tenure: -1.0,
      age: 0.2,
      product: { card: 0.2, personal_loan: 0.2, mortgage: 0.6, auto: -0.2 },
    },
  },
];

const REGION_RISK: Record<Region, number> = { north: -0.15, south: 0.25, east: 0.05, west: 0.1, central: -0.05 };
/** The consortium-wide law most banks' defaults follow. */
const CONSORTIUM_RISK: RiskLaw = {
  income: -0.9,
  debtToIncome: 1.0,
  utilisation: 0.8,
  delinquencies: 0.55,
  tenure: -0.35,
  age: -0.2,
  accounts: 0.05,
  product: { card: 0.35, personal_loan: 0.3, mortgage: -0.6, auto: -0.1 },
};

type Rand = () => number;
const normal = (r: Rand) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
function poisson(r: Rand, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = r();
  while (p > limit) {
    k++;
    p *= r();
  }
  return k;
}
function pick<K extends string>(r: Rand, mix: Record<K, number>): K {
  const entries = Object.entries(mix) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let u = r() * total;
  for (const [k, w] of entries) if ((u -= w) < 0) return k;
  return entries[entries.length - 1][0];
}
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

type Borrower = Omit<LoanRow, 'default'>;

function borrower(r: Rand, p: BankProfile): Borrower {
  const region = pick(r, p.regionMix);
  const product = pick(r, p.productMix);
  const age = clamp(Math.round(42 + 12 * normal(r) - 3 * p.stretch), 21, 80);
  const income = round(clamp(p.medianIncome * Math.exp(0.45 * normal(r) + 0.004 * (age - 42)), 8000, 600000), 0);
  const dti = round(clamp(0.33 + 0.08 * p.stretch + 0.12 * normal(r) + (product === 'mortgage' ? 0.08 : 0), 0, 1.2), 3);
  const util = round(clamp(0.42 + 0.12 * p.stretch + 0.24 * normal(r), 0, 1), 3);
  const delinquencies = Math.min(12, poisson(r, 0.25 + 0.35 * Math.max(0, p.stretch) + 0.6 * Math.max(0, util - 0.7)));
  const tenure = Math.round(clamp(-Math.log(1 - r()) * (40 + 1.5 * (age - 21)), 1, 480));
  const accounts = Math.max(1, poisson(r, 4 + (age - 21) / 12));
  return {
    income,
    debt_to_income: dti,
    utilisation: util,
    delinquencies_2y: delinquencies,
    tenure_months: tenure,
    age,
    num_accounts: accounts,
    region,
    product,
  };
}

/** A bank's risk law (the consortium's unless it has its own), with a mild nonlinearity an MLP can learn. */
function riskScore(b: Borrower, law: RiskLaw): number {
  const z =
    law.income * ((Math.log1p(b.income) - 10.8) / 0.5) +
    law.debtToIncome * ((b.debt_to_income - 0.35) / 0.15) +
    law.utilisation * ((b.utilisation - 0.45) / 0.25) +
    law.delinquencies * b.delinquencies_2y +
    law.tenure * ((b.tenure_months - 60) / 50) +
    law.age * ((b.age - 42) / 12) +
    law.accounts * (b.num_accounts - 6) +
    REGION_RISK[b.region] +
    law.product[b.product];
  const stretched = b.utilisation > 0.85 && b.debt_to_income > 0.45 ? 0.9 : 0;
  return z + stretched;
}

/** Intercept that makes the expected default rate of these borrowers equal the target. */
function calibrateIntercept(scores: number[], target: number): number {
  let lo = -20;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const rate = scores.reduce((s, z) => s + sigmoid(z + mid), 0) / scores.length;
    if (rate < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface SyntheticBank {
  name: string;
  rows: LoanRow[];
  defaultRate: number;
}

/**
 * A deterministic, non-IID credit-risk consortium: banks differ in size, default
 * rate, region and product mix and borrower profile; most banks' defaults follow one
 * underlying risk law, so pooling knowledge helps the small banks, and one (estuary)
 * follows its own, as a regional bank's can.
 */
export function generateConsortium(o: { seed?: number; scale?: number; banks?: BankProfile[] } = {}): {
  banks: SyntheticBank[];
} {
  const seed = o.seed ?? 2026;
  const scale = o.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  const profiles = o.banks ?? DEMO_BANKS;
  return {
    banks: profiles.map((p, i) => {
      const r = seededRandom((seed * 7919 + i * 104729) >>> 0);
      const n = Math.max(20, Math.round(p.loans * scale));
      const borrowers = Array.from({ length: n }, () => borrower(r, p));
      const law = { ...CONSORTIUM_RISK, ...p.ownRisk };
      const scores = borrowers.map((b) => riskScore(b, law));
      const intercept = calibrateIntercept(scores, p.targetDefaultRate);
      const rows: LoanRow[] = borrowers.map((b, k) => ({
        ...b,
        default: r() < sigmoid(scores[k] + intercept) ? 1 : 0,
      }));
      const defaults = rows.reduce((s, row) => s + row.default, 0);
      return { name: p.name, rows, defaultRate: defaults / rows.length };
    }),
  };
}

export function toCsv(rows: LoanRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => String(row[c])).join(','));
  return lines.join('\n') + '\n';
}
