import * as fs from 'fs';
import * as path from 'path';

/**
 * Files holding a key, a token, a model or the database are the operator's alone: 0600, in a
 * directory created 0700, written under a temporary name and renamed (no half files, and an
 * existing file's looser mode never survives a rewrite).
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * Creates the SQLite file 0600 before SQLite opens it (its -wal and -shm files then take the
 * same mode), and tightens one an earlier version left 0644.
 */
export function preparePrivateDatabaseFile(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
}
