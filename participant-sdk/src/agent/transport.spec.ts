import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadIdentity, newKeyMaterial, saveIdentity } from '../crypto/identity-store';
import { mergeTransport } from './transport';

describe('plaintext is never remembered', () => {
  it('enrolling with --insecure saves no insecure flag; a later run is TLS unless told again', () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transport-'));
    saveIdentity(stateDir, {
      coordinator: 'localhost:1',
      transport: { insecure: true, caFile: '/ca.pem' },
      federationId: 'fed_1',
      participantId: 'prt_a',
      keyEpoch: 0,
      planJson: '{}',
      ...newKeyMaterial(),
    });
    expect(fs.readFileSync(path.join(stateDir, 'identity.json'), 'utf8')).not.toContain('insecure');
    const saved = loadIdentity(stateDir)!.transport;
    expect(saved).toEqual({ caFile: '/ca.pem' });
    expect(mergeTransport(saved, {}).insecure).toBeUndefined();
    expect(mergeTransport(saved, { insecure: true }).insecure).toBe(true); // control: the flag works
  });

  it('ignores an insecure flag an older identity.json kept', () => {
    expect(mergeTransport({ insecure: true, caFile: '/ca.pem' }, {})).toEqual({ caFile: '/ca.pem' });
  });
});
