import fc from 'fast-check';
import { sha256 } from './sha256';
import {
  checkEnvelope,
  generateSigningKeyPair,
  signEnvelope,
  verifyEnvelopeSignature,
  type EnvelopeExpectation,
} from './signed-envelope';

const keys = generateSigningKeyPair();
const now = 1_760_000_000_000;
const payload = sha256(Buffer.from('update'));
const fields = {
  participantId: 'p1',
  federationId: 'f1',
  roundId: 'r1',
  phase: 'PHASE_UPLOAD' as const,
  keyEpoch: 2,
  payloadSha256: payload,
};
const expected: EnvelopeExpectation = {
  federationId: 'f1',
  roundId: 'r1',
  phase: 'PHASE_UPLOAD',
  keyEpoch: 2,
  payloadSha256: payload,
};
const check = (env: ReturnType<typeof signEnvelope>, over: Partial<EnvelopeExpectation> = {}, at = now) =>
  checkEnvelope(env, { publicKey: keys.publicKey, expected: { ...expected, ...over }, now: at, maxSkewMs: 300_000 });
const codeOf = (v: ReturnType<typeof check>) => (v.ok ? 'OK' : v.code);

describe('signed envelopes', () => {
  const env = signEnvelope(fields, keys.secretKey, { now });

  it('accepts what it signed', () => {
    expect(check(env)).toEqual({ ok: true });
    expect(verifyEnvelopeSignature(env, keys.publicKey)).toBe(true);
  });

  it('gives each mismatch its own code', () => {
    expect(codeOf(check(env, { federationId: 'f2' }))).toBe('WRONG_FEDERATION');
    expect(codeOf(check(env, { roundId: 'r2' }))).toBe('WRONG_ROUND');
    expect(codeOf(check(env, { phase: 'PHASE_EVALUATE' }))).toBe('WRONG_PHASE');
    expect(codeOf(check(env, { keyEpoch: 3 }))).toBe('WRONG_KEY_EPOCH');
    expect(codeOf(check(env, { payloadSha256: sha256(Buffer.from('other')) }))).toBe('PAYLOAD_MISMATCH');
    expect(codeOf(check(env, {}, now + 301_000))).toBe('STALE');
    expect(codeOf(check(env, {}, now - 301_000))).toBe('STALE');
    expect(codeOf(check({ ...env, nonce: Buffer.alloc(3) }))).toBe('MALFORMED');
  });

  it('refuses another key, and any edit of a signed field', () => {
    expect(codeOf(check(signEnvelope(fields, generateSigningKeyPair().secretKey, { now })))).toBe('BAD_SIGNATURE');
    // A field edited after signing must fail on the signature, not on a later check.
    for (const edit of [
      { roundId: 'r2' },
      { keyEpoch: 3 },
      { participantId: 'p2' },
      { issuedAtUnixMs: String(now + 1) },
      { phase: 'PHASE_EVALUATE' as const },
    ]) {
      expect(codeOf(check({ ...env, ...edit }))).toBe('BAD_SIGNATURE');
    }
  });

  it('refuses every single-bit flip of the signature, nonce or payload hash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('signature' as const, 'nonce' as const, 'payloadSha256' as const),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (field, at, bit) => {
          const bytes = Buffer.from(env[field] as Buffer);
          bytes[at % bytes.length] ^= 1 << bit;
          expect(check({ ...env, [field]: bytes }).ok).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('does not let field boundaries shift (length-prefixed canonical form)', () => {
    const a = signEnvelope({ ...fields, participantId: 'ab', federationId: 'c' }, keys.secretKey, { now });
    expect(verifyEnvelopeSignature({ ...a, participantId: 'a', federationId: 'bc' }, keys.publicKey)).toBe(false);
  });
});
