import nacl from 'tweetnacl';
import { auditHeadDigest, type AuditHeadWire } from '../grpc/signed-payloads';
import { ed25519Verify } from './ed25519';

/** A member's Ed25519 signature over an audit head (detached, 64 bytes). */
export function signAuditHead(head: AuditHeadWire, signingSecretKey: Uint8Array): Buffer {
  return Buffer.from(nacl.sign.detached(new Uint8Array(auditHeadDigest(head)), signingSecretKey));
}

/** True when `signature` is `signingPublicKey`'s signature over exactly this head. */
export function auditHeadSignatureValid(
  head: AuditHeadWire,
  signature: Uint8Array,
  signingPublicKey: Uint8Array,
): boolean {
  return ed25519Verify(auditHeadDigest(head), signature, signingPublicKey);
}

/** An audit head as members see it: a 64-hex hash and a positive sequence number. */
export function auditHeadProblem(
  head: { federationId?: string; seq?: number; hash?: string } | null | undefined,
): string | null {
  if (!head) return 'no audit head';
  if (!head.federationId) return 'audit head names no federation';
  if (!Number.isSafeInteger(head.seq) || (head.seq ?? 0) < 1)
    return `audit head seq ${String(head.seq)} is not a positive integer`;
  if (!/^[0-9a-f]{64}$/.test(head.hash ?? '')) return 'audit head hash is not 64 lowercase hex characters';
  return null;
}

/** One line of a member's witness file (audit-witness.jsonl in the agent's state directory). */
export interface AuditWitnessRecord {
  federationId: string;
  participantId: string;
  roundId: string;
  seq: number;
  hash: string;
  /** Hex. */
  signature: string;
  /** Hex: lets an auditor check the line without the coordinator's participant table. */
  signingPublicKey: string;
  witnessedAt: number;
}
