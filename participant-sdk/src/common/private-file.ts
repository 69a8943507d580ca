import * as fs from 'fs';
import * as path from 'path';

/**
 * Files that hold a key, a model, an update or a bank's own figures are the bank's alone:
 * 0600 in a directory created 0700. Written to a temporary name and renamed, so a crash
 * never leaves half a file, and an existing file's looser mode never survives a rewrite.
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the umask cannot loosen it, and neither can a stale tmp file
  fs.renameSync(tmp, file);
}

/** Appends one line to a private file, creating it 0600 (and tightening one found looser). */
export function appendPrivateLine(file: string, line: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
