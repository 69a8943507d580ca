import { AUDIT_DETAIL_MAX, AUDIT_ID_MAX, AUDIT_STRING_MAX, boundAuditInput, clip } from './audit-bounds';

describe('boundAuditInput', () => {
  it('keeps an ordinary entry exactly as it is', () => {
    const e = {
      actor: 'prt_abc',
      action: 'update.accepted',
      federationId: 'fed_1',
      subject: 'rnd_1',
      detail: { signature: 'ab'.repeat(64), kind: 'model', nested: { ok: [1, 2] } },
    };
    expect(boundAuditInput(e)).toEqual(e);
  });

  it('cuts ids from an unauthenticated caller to the column width, saying how long they were', () => {
    const huge = 'x'.repeat(3_000_000);
    const e = boundAuditInput({ actor: huge, action: 'message.rejected', federationId: huge, subject: huge });
    for (const v of [e.actor, e.federationId, e.subject]) {
      expect(v!.length).toBe(AUDIT_ID_MAX);
      expect(v).toMatch(/^x+…\(3000000 chars\)$/);
    }
  });

  it('cuts long strings inside detail, and replaces an oversized detail by its size and hash', () => {
    const e = boundAuditInput({ actor: 'a', action: 'b', detail: { phase: 'p'.repeat(10_000), reason: 'R' } });
    expect((e.detail!.phase as string).length).toBe(AUDIT_STRING_MAX);
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const big = boundAuditInput({ actor: 'a', action: 'b', detail: { ...many, reason: 'R' } });
    expect(JSON.stringify(big.detail).length).toBeLessThan(AUDIT_DETAIL_MAX);
    expect(big.detail).toEqual({ truncated: true, bytes: expect.any(Number), sha256: expect.any(String), reason: 'R' });
  });

  it('does not store the peer it was given for rate limiting', () => {
    expect(boundAuditInput({ actor: 'a', action: 'access.denied', peer: '10.0.0.1' })).not.toHaveProperty('peer');
  });

  it('clip leaves short strings alone and cuts long ones to exactly max', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdefghijklmnopqrstu', 16)).toBe('abcde…(21 chars)');
  });
});
