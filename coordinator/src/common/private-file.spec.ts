import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { preparePrivateDatabaseFile, writePrivateFile } from './private-file';

const modeOf = (f: string) => fs.statSync(f).mode & 0o777;

describe('private files (coordinator)', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-private-'));
    umask = process.umask(0o022); // the usual umask: without the helper, files come out 0644
  });
  afterEach(() => process.umask(umask));

  it('writes 0600, and tightens a file that existed 0644', () => {
    const file = path.join(dir, 'exports', 'model.f32');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, 'old');
    expect(modeOf(file)).toBe(0o644); // control: the default really is world-readable
    writePrivateFile(file, Buffer.from([1]));
    expect(modeOf(file)).toBe(0o600);
  });

  it('the SQLite database and its WAL files are 0600 once the coordinator opened and wrote them', async () => {
    const file = path.join(dir, 'var', 'syndicate.sqlite');
    const ds = new DataSource(dataSourceOptions(`sqlite:${file}`));
    await ds.initialize(); // runs the migrations: real writes through the WAL
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`].filter((x) => fs.existsSync(x)))
        expect(modeOf(f)).toBe(0o600);
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
    } finally {
      await ds.destroy();
    }
  });

  it('tightens a database file an earlier version left 0644', () => {
    const file = path.join(dir, 'old.sqlite');
    fs.writeFileSync(file, '');
    expect(modeOf(file)).toBe(0o644);
    preparePrivateDatabaseFile(file);
    expect(modeOf(file)).toBe(0o600);
  });
});
