import * as fs from 'fs';
import * as path from 'path';
import type { ShareKind } from '@syndicate/protocol';

interface SessionMemory {
  signed: string[] | null;
  revealed: Record<string, ShareKind>;
}

/**
 * What this member signed and revealed in each masked sum, on its own disk before it is sent: a
 * restarted agent must not sign a second survivor set or reveal the other kind of share of a peer
 * because a coordinator asked again. Without a state directory it lives in memory only.
 */
export class MaskMemory {
  private readonly sessions: Record<string, SessionMemory>;

  constructor(private readonly file?: string) {
    this.sessions =
      file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SessionMemory>) : {};
  }

  static inStateDir(stateDir: string | undefined): MaskMemory {
    return new MaskMemory(stateDir ? path.join(stateDir, 'mask-memory.json') : undefined);
  }

  signedSet(session: string): string[] | null {
    return this.sessions[session]?.signed ?? null;
  }

  revealed(session: string): ReadonlyMap<string, ShareKind> {
    return new Map(Object.entries(this.sessions[session]?.revealed ?? {}));
  }

  recordSigned(session: string, survivors: string[]): Promise<void> {
    this.entry(session).signed = [...survivors];
    return this.save();
  }

  recordRevealed(session: string, reveals: { peerId: string; kind: ShareKind }[]): Promise<void> {
    const e = this.entry(session);
    for (const r of reveals) e.revealed[r.peerId] = r.kind;
    return this.save();
  }

  private entry(session: string): SessionMemory {
    return (this.sessions[session] ??= { signed: null, revealed: {} });
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(this.sessions), { mode: 0o600 });
    await fs.promises.rename(tmp, this.file);
  }
}
