import { randomBytes } from 'crypto';
import nacl from 'tweetnacl';
import type { Envelope, Envelope__Output } from '../generated/syndicate/v1/Envelope';
import { Phase, type Phase__Output } from '../generated/syndicate/v1/Phase';
import { ed25519Verify } from './ed25519';

/** What the signer vouches for; nonce and issued-at are added by signEnvelope. */
export interface EnvelopeFields {
  participantId: string;
  federationId: string;
  roundId?: string;
  phase: Phase__Output;
  keyEpoch: number;
  payloadSha256: Uint8Array;
}

export type EnvelopeRejection =
  | 'MALFORMED'
  | 'BAD_SIGNATURE'
  | 'WRONG_FEDERATION'
  | 'WRONG_ROUND'
  | 'WRONG_PHASE'
  | 'WRONG_KEY_EPOCH'
  | 'PAYLOAD_MISMATCH'
  | 'STALE';

export type EnvelopeVerdict = { ok: true } | { ok: false; code: EnvelopeRejection; message: string };

export interface EnvelopeExpectation {
  federationId: string;
  roundId?: string;
  phase: Phase__Output;
  keyEpoch?: number;
  payloadSha256?: Uint8Array;
}

const SIGNATURE_DOMAIN = 'syndicate.v1.envelope';
const NONCE_BYTES = 16;

const toBytes = (v: Buffer | Uint8Array | string | undefined): Uint8Array =>
  v === undefined ? new Uint8Array(0) : typeof v === 'string' ? Buffer.from(v, 'base64') : v;

/**
 * Canonical bytes: length-prefixed fields in a fixed order, so no two distinct
 * envelopes can serialise alike (no delimiter games with ids containing '|').
 */
export function canonicalEnvelopeBytes(e: {
  participantId: string;
  federationId: string;
  roundId: string;
  phase: string;
  keyEpoch: number;
  nonce: Uint8Array;
  issuedAtUnixMs: string;
  payloadSha256: Uint8Array;
}): Buffer {
  const parts: Buffer[] = [];
  const put = (b: Uint8Array) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, Buffer.from(b));
  };
  const str = (s: string) => put(Buffer.from(s, 'utf8'));
  str(SIGNATURE_DOMAIN);
  str(e.participantId);
  str(e.federationId);
  str(e.roundId);
  str(e.phase);
  str(String(e.keyEpoch >>> 0));
  put(e.nonce);
  str(e.issuedAtUnixMs);
  put(e.payloadSha256);
  return Buffer.concat(parts);
}

export function signEnvelope(
  fields: EnvelopeFields,
  signingSecretKey: Uint8Array,
  opts: { now?: number; nonce?: Uint8Array } = {},
): Envelope {
  const nonce = opts.nonce ?? randomBytes(NONCE_BYTES);
  const issuedAtUnixMs = String(Math.floor(opts.now ?? Date.now()));
  const roundId = fields.roundId ?? '';
  const bytes = canonicalEnvelopeBytes({ ...fields, roundId, nonce, issuedAtUnixMs });
  const signature = nacl.sign.detached(bytes, signingSecretKey);
  return {
    participantId: fields.participantId,
    federationId: fields.federationId,
    roundId,
    phase: fields.phase,
    keyEpoch: fields.keyEpoch,
    nonce: Buffer.from(nonce),
    issuedAtUnixMs,
    payloadSha256: Buffer.from(fields.payloadSha256),
    signature: Buffer.from(signature),
  };
}

type AnyEnvelope = Envelope | Envelope__Output;

function normalise(env: AnyEnvelope) {
  return {
    participantId: env.participantId ?? '',
    federationId: env.federationId ?? '',
    roundId: env.roundId ?? '',
    phase:
      typeof env.phase === 'number'
        ? (Object.values(Phase)[env.phase] ?? String(env.phase))
        : (env.phase ?? 'PHASE_UNSPECIFIED'),
    keyEpoch: env.keyEpoch ?? 0,
    nonce: toBytes(env.nonce),
    issuedAtUnixMs: env.issuedAtUnixMs ?? '',
    payloadSha256: toBytes(env.payloadSha256),
    signature: toBytes(env.signature),
  };
}

export function verifyEnvelopeSignature(env: AnyEnvelope, signingPublicKey: Uint8Array): boolean {
  const e = normalise(env);
  return ed25519Verify(canonicalEnvelopeBytes(e), e.signature, signingPublicKey);
}

const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Signature first: nothing about an unauthenticated envelope is worth reporting
 * beyond "bad signature". Replay (nonce reuse) is the caller's job, since only it
 * holds the record of nonces seen.
 */
export function checkEnvelope(
  env: AnyEnvelope,
  opts: { publicKey: Uint8Array; expected: EnvelopeExpectation; now: number; maxSkewMs: number },
): EnvelopeVerdict {
  const e = normalise(env);
  if (e.nonce.length !== NONCE_BYTES || !/^\d{1,16}$/.test(e.issuedAtUnixMs) || e.payloadSha256.length !== 32) {
    return {
      ok: false,
      code: 'MALFORMED',
      message: `envelope is malformed: needs a ${NONCE_BYTES}-byte nonce, a decimal issued_at_unix_ms and a 32-byte payload_sha256`,
    };
  }
  if (!verifyEnvelopeSignature(env, opts.publicKey)) {
    return {
      ok: false,
      code: 'BAD_SIGNATURE',
      message: "envelope signature does not verify against the participant's enrolled signing key",
    };
  }
  const x = opts.expected;
  if (e.federationId !== x.federationId) {
    return {
      ok: false,
      code: 'WRONG_FEDERATION',
      message: `envelope was signed for federation ${e.federationId}, not ${x.federationId}`,
    };
  }
  if (x.roundId !== undefined && e.roundId !== x.roundId) {
    return {
      ok: false,
      code: 'WRONG_ROUND',
      message: `envelope was signed for round ${e.roundId || '(none)'}, not ${x.roundId}`,
    };
  }
  if (e.phase !== x.phase) {
    return { ok: false, code: 'WRONG_PHASE', message: `envelope was signed for ${e.phase}, this call is ${x.phase}` };
  }
  if (x.keyEpoch !== undefined && e.keyEpoch !== x.keyEpoch) {
    return {
      ok: false,
      code: 'WRONG_KEY_EPOCH',
      message: `envelope was signed under key epoch ${e.keyEpoch}, the federation is at epoch ${x.keyEpoch}`,
    };
  }
  if (x.payloadSha256 !== undefined && !equalBytes(e.payloadSha256, x.payloadSha256)) {
    return {
      ok: false,
      code: 'PAYLOAD_MISMATCH',
      message: 'envelope vouches for a different payload than the one sent',
    };
  }
  const skew = Math.abs(opts.now - Number(e.issuedAtUnixMs));
  if (skew > opts.maxSkewMs) {
    return {
      ok: false,
      code: 'STALE',
      message: `envelope was issued ${Math.round(skew / 1000)} s from the coordinator's clock (limit ${Math.round(opts.maxSkewMs / 1000)} s); check the agent's clock or resend`,
    };
  }
  return { ok: true };
}

export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export const generateSigningKeyPair = (): KeyPair => nacl.sign.keyPair();
export const generateBoxKeyPair = (): KeyPair => nacl.box.keyPair();
