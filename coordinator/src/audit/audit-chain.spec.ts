import { auditHash, GENESIS_HASH, verifyAuditChain, type AuditFields } from './audit-chain';

function chain(n: number) {
  const out: (AuditFields & { prevHash: string; hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      seq,
      at: 1000 + seq,
      actor: 'prt_a',
      action: 'update.rejected',
      federationId: 'fed_1',
      subject: 'rnd_1',
      detail: JSON.stringify({ reason: `R${seq}` }),
    };
    const hash = auditHash(prev, e);
    out.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit chain', () => {
  it('verifies an intact log', () => {
    expect(verifyAuditChain(chain(5))).toBeNull();
  });
  it('names an edited entry', () => {
    const c = chain(5);
    c[2] = { ...c[2], detail: JSON.stringify({ reason: 'forged' }) };
    expect(verifyAuditChain(c)).toEqual({ seq: 3, problem: 'entry 3 was edited after it was written' });
  });
  it('names a removed entry', () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(verifyAuditChain(c)?.seq).toBe(2);
  });
  it('names reordered entries', () => {
    const c = chain(5);
    [c[3], c[4]] = [
      { ...c[4], seq: 4 },
      { ...c[3], seq: 5 },
    ];
    expect(verifyAuditChain(c)?.seq).toBe(4);
  });
});
