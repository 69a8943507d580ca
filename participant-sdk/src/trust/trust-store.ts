import * as fs from 'fs';
import * as path from 'path';
import { normalizeFingerprint } from '@syndicate/protocol';
import { trustPolicySchema, type TrustPolicy } from './trust-policy';

const TRUST_FILE = 'trust.json';

export const trustPath = (stateDir: string): string => path.join(stateDir, TRUST_FILE);

export class TrustStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustStoreError';
  }
}

/**
 * The bank's trust policy, kept beside its keys (0600). A missing file trusts nobody but the
 * bank itself: pinning is the operator's deliberate act, never a default.
 */
export function loadTrustPolicy(stateDir: string): TrustPolicy {
  const file = trustPath(stateDir);
  if (!fs.existsSync(file)) return trustPolicySchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TrustStoreError(`${file} is not valid JSON (${(err as Error).message}); fix or remove it`);
  }
  const r = trustPolicySchema.safeParse((raw as { policy?: unknown })?.policy ?? raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new TrustStoreError(`${file} is not a valid trust policy:\n  - ${problems.join('\n  - ')}`);
  }
  return r.data;
}

export function saveTrustPolicy(stateDir: string, policy: TrustPolicy): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = trustPath(stateDir);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, policy }, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Pins a member by fingerprint (re-pinning the same fingerprint renames it). */
export function pinMember(stateDir: string, name: string, fingerprint: string): TrustPolicy {
  const fp = normalizeFingerprint(fingerprint);
  if (!fp) throw new TrustStoreError(`"${fingerprint}" is not a fingerprint: expected 40 digits (8 groups of 5)`);
  const policy = loadTrustPolicy(stateDir);
  const pinned = policy.pinned.filter((p) => normalizeFingerprint(p.fingerprint) !== fp);
  const next = { ...policy, pinned: [...pinned, { name, fingerprint: fp }] };
  saveTrustPolicy(stateDir, next);
  return next;
}

export function unpinMember(stateDir: string, nameOrFingerprint: string): TrustPolicy {
  const fp = normalizeFingerprint(nameOrFingerprint);
  const policy = loadTrustPolicy(stateDir);
  const pinned = policy.pinned.filter(
    (p) => p.name !== nameOrFingerprint && normalizeFingerprint(p.fingerprint) !== fp,
  );
  if (pinned.length === policy.pinned.length) {
    throw new TrustStoreError(`no pinned member is named or has the fingerprint "${nameOrFingerprint}"`);
  }
  const next = { ...policy, pinned };
  saveTrustPolicy(stateDir, next);
  return next;
}

export function setEndorsementsRequired(stateDir: string, k: number): TrustPolicy {
  return updatePolicy(stateDir, { endorsementsRequired: k });
}

/** The fewest trusted contributors a sum needs before this bank decrypts it (at least 3). */
export function setMinContributors(stateDir: string, n: number): TrustPolicy {
  return updatePolicy(stateDir, { minContributors: n });
}

/** Whether masked sums are checked against their parts' digests (unmasked sums always are). */
export function setCheckSumDigest(stateDir: string, on: boolean): TrustPolicy {
  return updatePolicy(stateDir, { checkSumDigest: on });
}

function updatePolicy(stateDir: string, change: Partial<TrustPolicy>): TrustPolicy {
  const next = trustPolicySchema.parse({ ...loadTrustPolicy(stateDir), ...change });
  saveTrustPolicy(stateDir, next);
  return next;
}
