import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appendPrivateLine, writePrivateFile } from './private-file';

const modeOf = (f: string) => fs.statSync(f).mode & 0o777;

describe('private files', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-file-'));
    umask = process.umask(0o000); // the loosest umask: the helper alone must make files private
  });
  afterEach(() => process.umask(umask));

  it('writes 0600 in a new 0700 directory, even under umask 000', () => {
    const file = path.join(dir, 'keep', 'round-1.f32');
    writePrivateFile(file, Buffer.from([1, 2, 3]));
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    expect(fs.readFileSync(file)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('tightens a file that existed with a looser mode', () => {
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    expect(modeOf(file)).toBe(0o644); // control: the file really was world-readable
    writePrivateFile(file, 'new');
    expect(modeOf(file)).toBe(0o600);
    fs.chmodSync(file, 0o644);
    appendPrivateLine(file, 'more');
    expect(modeOf(file)).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('newmore\n');
  });
});
