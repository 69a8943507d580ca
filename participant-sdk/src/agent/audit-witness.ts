import * as fs from 'fs';
import * as path from 'path';
import {
  auditHeadDigest,
  auditHeadProblem,
  CLIENT_CHANNEL_OPTIONS,
  loadProtocol,
  signAuditHead,
  signEnvelope,
  type AuditHeadWire,
  type AuditWitnessRecord,
  type Task__Output,
} from '@syndicate/protocol';
import { appendPrivateLine } from '../common/private-file';
import type { AgentIdentity } from '../crypto/identity-store';
import { callError } from './coordinator-client';
import { channelCredentials } from './transport';

/** What this member signed, one JSON line per head, in its state directory: the auditor's copy. */
export const auditWitnessPath = (stateDir: string): string => path.join(stateDir, 'audit-witness.jsonl');

export class AuditWitnessRefused extends Error {
  constructor(
    readonly reason: 'BAD_AUDIT_HEAD' | 'WRONG_FEDERATION' | 'AUDIT_LOG_TRUNCATED' | 'AUDIT_LOG_REWRITTEN',
    message: string,
  ) {
    super(message);
    this.name = 'AuditWitnessRefused';
  }
}

/** The highest head this member witnessed in its federation, from its own file. */
export function lastWitnessed(stateDir: string, federationId: string): AuditWitnessRecord | null {
  const file = auditWitnessPath(stateDir);
  if (!fs.existsSync(file)) return null;
  let last: AuditWitnessRecord | null = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as AuditWitnessRecord;
    if (r.federationId === federationId && (!last || r.seq >= last.seq)) last = r;
  }
  return last;
}

/**
 * Whether a head is one this member may sign. A log only grows: a head below one already
 * witnessed means the coordinator cut its log; the same position with another hash, that it
 * rewrote it. Either is refused, and says so.
 */
export function witnessRefusal(
  head: AuditHeadWire | null | undefined,
  own: { federationId: string; last: AuditWitnessRecord | null },
): AuditWitnessRefused | null {
  const problem = auditHeadProblem(head);
  if (problem || !head) return new AuditWitnessRefused('BAD_AUDIT_HEAD', problem ?? 'no audit head');
  if (head.federationId !== own.federationId)
    return new AuditWitnessRefused(
      'WRONG_FEDERATION',
      `asked to witness the log of ${head.federationId}; this member is in ${own.federationId}`,
    );
  const last = own.last;
  if (last && head.seq < last.seq)
    return new AuditWitnessRefused(
      'AUDIT_LOG_TRUNCATED',
      `the coordinator's audit log now ends at ${head.seq}, but this member witnessed entry ${last.seq} (hash ${last.hash}) after round ${last.roundId}: the log was cut`,
    );
  if (last && head.seq === last.seq && head.hash !== last.hash)
    return new AuditWitnessRefused(
      'AUDIT_LOG_REWRITTEN',
      `entry ${head.seq}'s hash is now ${head.hash}, but this member witnessed ${last.hash}: the log was rewritten`,
    );
  return null;
}

/** Sends the signature to the coordinator (AuditWitnessService); a channel of its own, closed after. */
export function sendWitness(
  identity: AgentIdentity,
  roundId: string,
  keyEpoch: number,
  head: AuditHeadWire,
  signature: Uint8Array,
): Promise<void> {
  const envelope = signEnvelope(
    {
      participantId: identity.participantId,
      federationId: identity.federationId,
      roundId,
      phase: 'PHASE_WITNESS_AUDIT',
      keyEpoch,
      payloadSha256: auditHeadDigest(head),
    },
    identity.signingSecretKey,
  );
  const Ctor = loadProtocol().syndicate.v1.AuditWitnessService;
  const client = new Ctor(identity.coordinator, channelCredentials(identity.transport), CLIENT_CHANNEL_OPTIONS);
  return new Promise<void>((resolve, reject) =>
    client.WitnessAuditHead({ envelope, head, signature }, { deadline: Date.now() + 60_000 }, (err) =>
      err ? reject(callError('WitnessAuditHead', err)) : resolve(),
    ),
  ).finally(() => client.close());
}

/**
 * TASK_TYPE_WITNESS_AUDIT: checks the head, signs it, keeps what it signed (before telling the
 * coordinator, so a copy exists even if the call fails), and returns the signature.
 */
export async function witnessAuditHead(o: {
  task: Task__Output;
  identity: AgentIdentity;
  stateDir: string;
  send?: typeof sendWitness;
}): Promise<AuditWitnessRecord> {
  const { task, identity, stateDir } = o;
  const head = task.auditHead
    ? { federationId: task.auditHead.federationId, seq: task.auditHead.seq, hash: task.auditHead.hash }
    : null;
  const refused = witnessRefusal(head, {
    federationId: identity.federationId,
    last: lastWitnessed(stateDir, identity.federationId),
  });
  if (refused || !head) throw refused;
  const signature = signAuditHead(head, identity.signingSecretKey);
  const record: AuditWitnessRecord = {
    ...head,
    participantId: identity.participantId,
    roundId: task.roundId,
    signature: signature.toString('hex'),
    signingPublicKey: Buffer.from(identity.signingPublicKey).toString('hex'),
    witnessedAt: Date.now(),
  };
  appendPrivateLine(auditWitnessPath(stateDir), JSON.stringify(record));
  await (o.send ?? sendWitness)(identity, task.roundId, task.keyEpoch, head, signature);
  return record;
}
