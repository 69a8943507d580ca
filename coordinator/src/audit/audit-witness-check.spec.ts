import { signAuditHead } from '@syndicate/protocol';
import nacl from 'tweetnacl';
import { auditHash, GENESIS_HASH, type AuditFields } from './audit-chain';
import { checkWitnessedHeads, parseExpectedHead, type WitnessedHead } from './audit-witness-check';

type Entry = AuditFields & { prevHash: string; hash: string };

/** A chain of n entries; `rechainFrom` starts again from a given list (as an attacker re-chaining would). */
function chain(fields: AuditFields[]): Entry[] {
  const out: Entry[] = [];
  let prev = GENESIS_HASH;
  for (const f of fields) {
    const e = { ...f, prevHash: prev, hash: auditHash(prev, f) };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

const fields = (n: number): AuditFields[] =>
  Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    at: 1000 + i,
    actor: 'system',
    action: 'round.published',
    federationId: 'fed_1',
    subject: `rnd_${i + 1}`,
    detail: JSON.stringify({ round: i + 1 }),
  }));

const bankA = nacl.sign.keyPair();
const bankB = nacl.sign.keyPair();

function witness(log: Entry[], seq: number, who: string, keys: nacl.SignKeyPair): WitnessedHead {
  const head = { federationId: 'fed_1', seq, hash: log[seq - 1].hash };
  return {
    who,
    ...head,
    signature: signAuditHead(head, keys.secretKey).toString('hex'),
    signingPublicKey: Buffer.from(keys.publicKey).toString('hex'),
  };
}

describe('checkWitnessedHeads', () => {
  const log = chain(fields(212));
  const witnesses = [witness(log, 9, 'member bank-b', bankB), witness(log, 212, 'member bank-a', bankA)];

  it('positive control: the intact log verifies against every witness', () => {
    expect(checkWitnessedHeads(log, witnesses)).toEqual({ ok: true, entries: 212, witnessedSeq: 212, problems: [] });
  });

  it('names a truncation the chain alone cannot see: the last 5 of 212 entries deleted', () => {
    const cut = log.slice(0, 207);
    expect(checkWitnessedHeads(cut, [])).toMatchObject({ ok: true, entries: 207 });
    const verdict = checkWitnessedHeads(cut, witnesses);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toEqual({
      kind: 'truncated',
      seq: 212,
      problem: 'the log ends at 207 but member bank-a witnessed 212: entries were cut from the end',
    });
  });

  it('names a rewrite the chain alone cannot see: entry 9 removed and the rest re-chained', () => {
    const f = fields(212);
    f.splice(8, 1);
    const rewritten = chain(f.map((x, i) => ({ ...x, seq: i + 1 })));
    expect(checkWitnessedHeads(rewritten, [])).toMatchObject({ ok: true, entries: 211 });
    const verdict = checkWitnessedHeads(rewritten, witnesses);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toEqual({
      kind: 'truncated',
      seq: 212,
      problem: 'the log ends at 211 but member bank-a witnessed 212: entries were cut from the end',
    });
    expect(verdict.problems[1]).toMatchObject({
      kind: 'rewritten',
      seq: 9,
      problem: "entry 9's hash differs from the head member bank-b signed: the log was rewritten at or before entry 9",
    });
  });

  it('names a rewrite that keeps the length: one entry edited and everything after re-chained', () => {
    const f = fields(212);
    f[99] = { ...f[99], detail: JSON.stringify({ round: 'forged' }) };
    const verdict = checkWitnessedHeads(chain(f), witnesses);
    expect(verdict.problems).toEqual([
      {
        kind: 'rewritten',
        seq: 212,
        problem:
          "entry 212's hash differs from the head member bank-a signed: the log was rewritten at or before entry 212 (entries after 9, the last witnessed head that still matches)",
      },
    ]);
  });

  it("checks an auditor's saved head, which carries no signature", () => {
    const saved = { who: 'the head you saved', federationId: 'fed_1', ...parseExpectedHead(`212:${log[211].hash}`) };
    expect(checkWitnessedHeads(log, [saved]).ok).toBe(true);
    expect(checkWitnessedHeads(log.slice(0, 210), [saved]).problems[0].problem).toBe(
      'the log ends at 210 but the head you saved witnessed 212: entries were cut from the end',
    );
  });

  it('refuses a forged witness (signed by another key) instead of trusting it', () => {
    const forged = { ...witness(log, 212, 'member bank-a', bankB), signingPublicKey: witnesses[1].signingPublicKey };
    const verdict = checkWitnessedHeads(log, [forged]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toMatchObject({ kind: 'bad-witness', seq: 212 });
  });

  it('still reports a broken chain', () => {
    const edited = [...log];
    edited[4] = { ...edited[4], detail: '{}' };
    expect(checkWitnessedHeads(edited, []).problems[0]).toEqual({
      kind: 'chain',
      seq: 5,
      problem: 'entry 5 was edited after it was written',
    });
  });

  it('parses SEQ:HASH and explains a bad one', () => {
    expect(parseExpectedHead(`7:${'AB'.repeat(32)}`)).toEqual({ seq: 7, hash: 'ab'.repeat(32) });
    expect(() => parseExpectedHead('7')).toThrow(/expected SEQ:HASH/);
    expect(() => parseExpectedHead(`0:${'ab'.repeat(32)}`)).toThrow(/expected SEQ:HASH/);
  });
});
