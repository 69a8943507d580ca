import { auditHeadSignatureValid } from '@syndicate/protocol';
import { verifyAuditChain, type AuditFields } from './audit-chain';

/** A head someone vouched for: a member's signed witness, or a head an auditor wrote down. */
export interface WitnessedHead {
  /** Who vouches for it, as the auditor should read it: "member bank-a (prt_…)", "the head you saved". */
  who: string;
  federationId: string;
  seq: number;
  hash: string;
  /** Ed25519 over auditHeadDigest, hex; absent for an auditor's saved head (trusted as given). */
  signature?: string;
  /** The witness's signing key, hex; required with a signature. */
  signingPublicKey?: string;
}

export type AuditProblemKind = 'chain' | 'truncated' | 'rewritten' | 'bad-witness';

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  /** Highest head a valid witness vouched for and the log still has, if any. */
  witnessedSeq?: number;
  problems: { kind: AuditProblemKind; seq: number; problem: string }[];
}

interface ChainedEntry extends AuditFields {
  prevHash: string;
  hash: string;
}

/** Parses `SEQ:HASH` (what an auditor saved from an earlier verify). */
export function parseExpectedHead(s: string): { seq: number; hash: string } {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(s.trim());
  if (!m || !Number.isSafeInteger(Number(m[1])) || Number(m[1]) < 1)
    throw new Error(`--expect-head ${JSON.stringify(s)}: expected SEQ:HASH, e.g. 212:${'ab'.repeat(32)}`);
  return { seq: Number(m[1]), hash: m[2].toLowerCase() };
}

export function witnessSignatureValid(w: WitnessedHead): boolean {
  if (!w.signature) return true;
  if (!w.signingPublicKey) return false;
  return auditHeadSignatureValid(w, Buffer.from(w.signature, 'hex'), Buffer.from(w.signingPublicKey, 'hex'));
}

/**
 * The chain alone proves only that the log is self-consistent: whoever can write the database can
 * cut its tail or re-chain it after an edit. Heads that members signed (and keep) or an auditor
 * saved pin it: a log shorter than a witnessed head was truncated, and a log whose entry at a
 * witnessed position hashes differently was rewritten at or before it.
 */
export function checkWitnessedHeads(entries: ChainedEntry[], witnesses: WitnessedHead[]): AuditVerdict {
  const problems: AuditVerdict['problems'] = [];
  const broken = verifyAuditChain(entries);
  if (broken) problems.push({ kind: 'chain', ...broken });
  const end = entries.length ? entries[entries.length - 1].seq : 0;
  let witnessedSeq: number | undefined;
  const sorted = [...witnesses].sort((a, b) => a.seq - b.seq);
  let lastMatching = 0;
  for (const w of sorted) {
    if (!witnessSignatureValid(w)) {
      problems.push({
        kind: 'bad-witness',
        seq: w.seq,
        problem: `the signature of ${w.who} on head ${w.seq} does not verify (forged or altered witness)`,
      });
      continue;
    }
    const entry = entries.find((e) => e.seq === w.seq);
    if (!entry) {
      if (w.seq > end)
        problems.push({
          kind: 'truncated',
          seq: w.seq,
          problem: `the log ends at ${end} but ${w.who} witnessed ${w.seq}: entries were cut from the end`,
        });
      else
        problems.push({ kind: 'truncated', seq: w.seq, problem: `entry ${w.seq}, witnessed by ${w.who}, is missing` });
    } else if (entry.hash !== w.hash.toLowerCase()) {
      const since = lastMatching ? ` (entries after ${lastMatching}, the last witnessed head that still matches)` : '';
      problems.push({
        kind: 'rewritten',
        seq: w.seq,
        problem: `entry ${w.seq}'s hash differs from the head ${w.who} signed: the log was rewritten at or before entry ${w.seq}${since}`,
      });
    } else {
      lastMatching = w.seq;
      witnessedSeq = Math.max(witnessedSeq ?? 0, w.seq);
    }
  }
  // Report the first problem of each kind first: the earliest is what an auditor acts on.
  const order: AuditProblemKind[] = ['truncated', 'rewritten', 'chain', 'bad-witness'];
  problems.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.seq - b.seq);
  return { ok: problems.length === 0, entries: entries.length, ...(witnessedSeq ? { witnessedSeq } : {}), problems };
}
