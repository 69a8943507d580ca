import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkHealth, writeHealth } from './health-file';

describe('agent health file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-health-'));
  it('is unhealthy before the first contact, healthy after, and stale after 90 s', () => {
    expect(checkHealth(dir).ok).toBe(false);
    writeHealth(dir, 1_000_000);
    expect(checkHealth(dir, 1_000_000 + 5_000)).toEqual({ ok: true, message: 'connected to the coordinator 5 s ago' });
    expect(checkHealth(dir, 1_000_000 + 91_000).ok).toBe(false);
  });
});
