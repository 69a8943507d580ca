import { spawnSync } from 'child_process';
import * as path from 'path';

/** Runs a child (on the built module: `npm test` builds first) that passes point `a` three times, then prints "done". */
function run(target: string | undefined) {
  const built = path.join(__dirname, '..', '..', 'dist', 'faults', 'fault-points.js');
  const script = `const step = require(${JSON.stringify(built)}).faultPoints('TEST_FAULT_AT');
    for (let i = 0; i < 3; i++) { step('b'); step('a'); process.stdout.write('a' + (i + 1) + ' '); }
    process.stdout.write('done');`;
  const env = { ...process.env, TEST_FAULT_AT: target ?? '' };
  return spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
}

describe('fault points', () => {
  it('do nothing when the variable is unset', () => {
    const r = run(undefined);
    expect(r.stdout).toBe('a1 a2 a3 done');
    expect(r.signal).toBeNull();
  });

  it('kill the process at the named point, the first time or the k-th', () => {
    const first = run('a');
    expect(first.signal).toBe('SIGKILL');
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain('fault point a#1: SIGKILL');
    const third = run('a#3');
    expect(third.signal).toBe('SIGKILL');
    expect(third.stdout).toBe('a1 a2 ');
  });
});
