import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { auditHeadSignatureValid, type Task__Output } from '@syndicate/protocol';
import { newKeyMaterial, type AgentIdentity } from '../crypto/identity-store';
import { auditWitnessPath, lastWitnessed, witnessAuditHead, witnessRefusal } from './audit-witness';

const hash = (c: string) => c.repeat(64);

function identity(): AgentIdentity {
  return {
    coordinator: 'localhost:1',
    federationId: 'fed_1',
    participantId: 'prt_a',
    keyEpoch: 1,
    planJson: '{}',
    ...newKeyMaterial(),
  };
}

const task = (seq: number, h: string, federationId = 'fed_1') =>
  ({ roundId: `rnd_${seq}`, keyEpoch: 1, auditHead: { federationId, seq, hash: h } }) as unknown as Task__Output;

describe('audit witness (agent side)', () => {
  let stateDir: string;
  beforeEach(() => (stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'witness-'))));

  it('signs a head, keeps it 0600 in the state dir, then sends exactly what it kept', async () => {
    const id = identity();
    const sent: unknown[] = [];
    const record = await witnessAuditHead({
      task: task(12, hash('a')),
      identity: id,
      stateDir,
      send: async (...args) => void sent.push(args),
    });
    const file = auditWitnessPath(stateDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(record);
    expect(
      auditHeadSignatureValid(
        { federationId: 'fed_1', seq: 12, hash: hash('a') },
        Buffer.from(record.signature, 'hex'),
        id.signingPublicKey,
      ),
    ).toBe(true);
    expect(sent).toHaveLength(1);
    expect(lastWitnessed(stateDir, 'fed_1')?.seq).toBe(12);
  });

  it('refuses a head below one it witnessed (truncation) and a changed hash at the same seq (rewrite)', async () => {
    const id = identity();
    const send = async () => undefined;
    await witnessAuditHead({ task: task(212, hash('a')), identity: id, stateDir, send });
    await expect(witnessAuditHead({ task: task(207, hash('b')), identity: id, stateDir, send })).rejects.toMatchObject({
      reason: 'AUDIT_LOG_TRUNCATED',
      message: expect.stringMatching(/log now ends at 207, but this member witnessed entry 212/),
    });
    await expect(witnessAuditHead({ task: task(212, hash('c')), identity: id, stateDir, send })).rejects.toMatchObject({
      reason: 'AUDIT_LOG_REWRITTEN',
    });
    // Positive control: the log growing is fine, and nothing refused was kept.
    await witnessAuditHead({ task: task(220, hash('d')), identity: id, stateDir, send });
    expect(fs.readFileSync(auditWitnessPath(stateDir), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('refuses another federation and malformed heads', () => {
    expect(
      witnessRefusal({ federationId: 'fed_2', seq: 1, hash: hash('a') }, { federationId: 'fed_1', last: null })?.reason,
    ).toBe('WRONG_FEDERATION');
    expect(
      witnessRefusal({ federationId: 'fed_1', seq: 1, hash: 'zz' }, { federationId: 'fed_1', last: null })?.reason,
    ).toBe('BAD_AUDIT_HEAD');
    expect(witnessRefusal(null, { federationId: 'fed_1', last: null })?.reason).toBe('BAD_AUDIT_HEAD');
    expect(
      witnessRefusal({ federationId: 'fed_1', seq: 1, hash: hash('a') }, { federationId: 'fed_1', last: null }),
    ).toBeNull();
  });
});
