import nacl from 'tweetnacl';
import { auditHeadProblem, auditHeadSignatureValid, signAuditHead } from './audit-head-signature';

describe('audit head signatures', () => {
  const keys = nacl.sign.keyPair();
  const head = { federationId: 'fed_1', seq: 212, hash: 'ab'.repeat(32) };

  it('verifies the head that was signed, by the key that signed it', () => {
    const sig = signAuditHead(head, keys.secretKey);
    expect(auditHeadSignatureValid(head, sig, keys.publicKey)).toBe(true);
  });

  it.each([
    ['another sequence number', { ...head, seq: 207 }],
    ['another hash', { ...head, hash: 'cd'.repeat(32) }],
    ['another federation', { ...head, federationId: 'fed_2' }],
  ])('refuses the signature for %s', (_what, other) => {
    expect(auditHeadSignatureValid(other, signAuditHead(head, keys.secretKey), keys.publicKey)).toBe(false);
  });

  it('refuses another key and malformed signatures', () => {
    const sig = signAuditHead(head, keys.secretKey);
    expect(auditHeadSignatureValid(head, sig, nacl.sign.keyPair().publicKey)).toBe(false);
    expect(auditHeadSignatureValid(head, sig.subarray(1), keys.publicKey)).toBe(false);
  });

  it('names what is wrong with a head', () => {
    expect(auditHeadProblem(head)).toBeNull();
    expect(auditHeadProblem({ ...head, seq: 0 })).toMatch(/seq 0/);
    expect(auditHeadProblem({ ...head, hash: 'XY' })).toMatch(/hash/);
    expect(auditHeadProblem({ ...head, federationId: '' })).toMatch(/federation/);
    expect(auditHeadProblem(null)).toBe('no audit head');
  });
});
