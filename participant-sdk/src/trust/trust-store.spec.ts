import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import nacl from 'tweetnacl';
import { identityFingerprint } from '@syndicate/protocol';
import {
  loadTrustPolicy,
  pinMember,
  setCheckSumDigest,
  setEndorsementsRequired,
  setMinContributors,
  trustPath,
  unpinMember,
} from './trust-store';

describe('trust store', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fp = identityFingerprint(nacl.sign.keyPair().publicKey);

  it('trusts nobody by default, and pins by fingerprint however it was typed', () => {
    expect(loadTrustPolicy(dir)).toEqual({ pinned: [], endorsementsRequired: 2, minContributors: 3 });
    pinMember(dir, 'alpine', fp.replace(/ /g, '-'));
    expect(loadTrustPolicy(dir).pinned).toEqual([{ name: 'alpine', fingerprint: fp }]);
    expect(fs.statSync(trustPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('re-pinning renames, unpinning by name or fingerprint removes', () => {
    pinMember(dir, 'alpine', fp);
    pinMember(dir, 'alpine bank', fp);
    expect(loadTrustPolicy(dir).pinned).toEqual([{ name: 'alpine bank', fingerprint: fp }]);
    unpinMember(dir, 'alpine bank');
    expect(loadTrustPolicy(dir).pinned).toEqual([]);
    expect(() => unpinMember(dir, 'nobody')).toThrow('no pinned member');
  });

  it('says what is wrong with a bad fingerprint or file', () => {
    expect(() => pinMember(dir, 'x', '1234')).toThrow('expected 40 digits');
    fs.writeFileSync(trustPath(dir), '{"policy":{"pinned":[{"name":"x","fingerprint":"1"}]}}');
    expect(() => loadTrustPolicy(dir)).toThrow('pinned.0.fingerprint: must be 40 digits');
    fs.writeFileSync(trustPath(dir), 'nope');
    expect(() => loadTrustPolicy(dir)).toThrow('not valid JSON');
  });

  it('keeps the endorsement threshold within bounds', () => {
    expect(setEndorsementsRequired(dir, 3).endorsementsRequired).toBe(3);
    expect(() => setEndorsementsRequired(dir, -1)).toThrow();
  });

  it('keeps minContributors at 3 or more, and remembers a higher one', () => {
    expect(setMinContributors(dir, 5).minContributors).toBe(5);
    expect(() => setMinContributors(dir, 2)).toThrow('minContributors is at least 3');
    expect(loadTrustPolicy(dir).minContributors).toBe(5);
  });

  it('remembers the sum digest check, on unless switched off', () => {
    expect(loadTrustPolicy(dir).checkSumDigest).toBeUndefined();
    expect(setCheckSumDigest(dir, false).checkSumDigest).toBe(false);
    expect(loadTrustPolicy(dir).checkSumDigest).toBe(false);
    expect(setCheckSumDigest(dir, true).checkSumDigest).toBe(true);
  });
});
