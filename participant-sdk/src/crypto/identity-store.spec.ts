import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { keyFileModeProblem, loadIdentity, newKeyMaterial, saveIdentity } from './identity-store';

const identity = () => ({
  coordinator: '127.0.0.1:50051',
  federationId: 'fed',
  participantId: 'p1',
  keyEpoch: 0,
  planJson: '{}',
  ...newKeyMaterial(),
});

describe('key file permissions', () => {
  const FILE = '/state/identity.json';
  it('accepts 0600, and group read/write when the group is one of the agent own groups (fsGroup mounts)', () => {
    expect(keyFileModeProblem(FILE, { mode: 0o100600, gid: 1000 }, [1000])).toBeNull();
    expect(keyFileModeProblem(FILE, { mode: 0o100660, gid: 1000 }, [1000])).toBeNull();
  });

  it('refuses any bit for others, and group bits for a group the agent is not in', () => {
    expect(keyFileModeProblem(FILE, { mode: 0o100664, gid: 1000 }, [1000])).toMatch(
      /readable by other users \(mode 664\); run: chmod 600 \/state\/identity.json/,
    );
    expect(keyFileModeProblem(FILE, { mode: 0o100604, gid: 1000 }, [1000])).toMatch(/other users/);
    expect(keyFileModeProblem(FILE, { mode: 0o100640, gid: 50 }, [1000])).toMatch(
      /group 50, which this agent is not in/,
    );
  });

  it('loads an identity after a kubelet-style chmod g+rw (the file keeps the agent group)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-'));
    saveIdentity(dir, identity());
    const file = path.join(dir, 'identity.json');
    fs.chmodSync(file, 0o660);
    fs.chmodSync(dir, 0o2770);
    expect(loadIdentity(dir)?.participantId).toBe('p1');
    fs.chmodSync(file, 0o664);
    expect(() => loadIdentity(dir)).toThrow(/readable by other users \(mode 664\)/);
  });
});
