import * as fs from 'fs';
import type { AuditWitnessRecord } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { parseExpectedHead, type WitnessedHead } from './audit-witness-check';

/** Witness signatures the coordinator stored, each with the member's enrolled key and name. */
export async function storedWitnesses(ds: DataSource): Promise<WitnessedHead[]> {
  let rows: {
    participantId: string;
    federationId: string;
    seq: number;
    hash: string;
    signature: string;
    displayName: string | null;
    signingPublicKey: string | null;
  }[];
  try {
    rows = (await ds.query(
      `SELECT w."participantId", w."federationId", w.seq, w.hash, w.signature, p."displayName", p."signingPublicKey"
         FROM audit_witnesses w LEFT JOIN participants p ON p.id = w."participantId" ORDER BY w.seq`,
    )) as typeof rows;
  } catch (err) {
    // A database from before witnesses existed has none to check.
    if (/no such table|does not exist/.test((err as Error).message)) return [];
    throw err;
  }
  return rows.map((r) => ({
    who: `member ${r.displayName ?? '(unknown)'} (${r.participantId})`,
    federationId: r.federationId,
    seq: Number(r.seq),
    hash: r.hash,
    signature: r.signature,
    signingPublicKey: r.signingPublicKey ?? undefined,
  }));
}

/** A member's own witness file: what it signed, kept in its state directory, independent of the coordinator. */
export function witnessFile(file: string): WitnessedHead[] {
  const text = fs.readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let r: AuditWitnessRecord;
      try {
        r = JSON.parse(line) as AuditWitnessRecord;
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON line (expected a member's audit-witness.jsonl)`);
      }
      if (typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.signature !== 'string')
        throw new Error(`${file}:${i + 1}: needs seq, hash and signature (expected a member's audit-witness.jsonl)`);
      return {
        who: `member ${r.participantId} (${file})`,
        federationId: r.federationId,
        seq: r.seq,
        hash: r.hash,
        signature: r.signature,
        signingPublicKey: r.signingPublicKey,
      };
    });
}

/** The heads an auditor saved from earlier runs (`--expect-head SEQ:HASH`): trusted as given. */
export function savedHeads(specs: string[]): WitnessedHead[] {
  return specs.map((s) => ({ who: 'the head you saved', federationId: '', ...parseExpectedHead(s) }));
}
