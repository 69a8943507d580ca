import * as fs from 'fs';
import { writePrivateFile } from '../common/private-file';
import * as path from 'path';
import { generateBoxKeyPair, generateSigningKeyPair } from '@syndicate/protocol';
import { z } from 'zod';
import { agentTransportSchema, rememberedTransport, type AgentTransport } from '../agent/transport';

/** Everything that makes this agent *this* bank. Secret halves never leave the machine. */
export interface AgentIdentity {
  coordinator: string;
  /** TLS settings used at enrollment; later runs reuse them. */
  transport?: AgentTransport;
  federationId: string;
  participantId: string;
  keyEpoch: number;
  planJson: string;
  signingPublicKey: Uint8Array;
  signingSecretKey: Uint8Array;
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
}

const fileSchema = z.object({
  version: z.literal(1),
  coordinator: z.string(),
  transport: agentTransportSchema.optional(),
  federationId: z.string(),
  participantId: z.string(),
  keyEpoch: z.number().int(),
  planJson: z.string(),
  signingPublicKey: z.string(),
  signingSecretKey: z.string(),
  boxPublicKey: z.string(),
  boxSecretKey: z.string(),
});

const IDENTITY_FILE = 'identity.json';

export function identityPath(stateDir: string): string {
  return path.join(stateDir, IDENTITY_FILE);
}

export function newKeyMaterial(): Pick<
  AgentIdentity,
  'signingPublicKey' | 'signingSecretKey' | 'boxPublicKey' | 'boxSecretKey'
> {
  const s = generateSigningKeyPair();
  const b = generateBoxKeyPair();
  return {
    signingPublicKey: s.publicKey,
    signingSecretKey: s.secretKey,
    boxPublicKey: b.publicKey,
    boxSecretKey: b.secretKey,
  };
}

/** Written 0600 in a 0700 directory, atomically: a crash never leaves half a key file. */
export function saveIdentity(stateDir: string, id: AgentIdentity): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
  const body = JSON.stringify(
    {
      version: 1,
      coordinator: id.coordinator,
      // Plaintext is never remembered: each run must ask for it with --insecure.
      transport: rememberedTransport(id.transport),
      federationId: id.federationId,
      participantId: id.participantId,
      keyEpoch: id.keyEpoch,
      planJson: id.planJson,
      signingPublicKey: b64(id.signingPublicKey),
      signingSecretKey: b64(id.signingSecretKey),
      boxPublicKey: b64(id.boxPublicKey),
      boxSecretKey: b64(id.boxSecretKey),
    },
    null,
    2,
  );
  writePrivateFile(identityPath(stateDir), body);
}

const ownGroups = (): number[] =>
  typeof process.getgid === 'function' ? [process.getgid(), ...(process.getgroups?.() ?? [])] : [];

/**
 * Why a key file is too open, or null. Others never get a bit. The group may read and write when the
 * file belongs to one of this process's own groups: a kubelet mounting a volume with `fsGroup` adds g+rw
 * to every file at each mount, and that group is the agent's, not other users'.
 */
export function keyFileModeProblem(file: string, st: Pick<fs.Stats, 'mode' | 'gid'>, groups: number[]): string | null {
  const mode = (st.mode & 0o777).toString(8);
  if (st.mode & 0o007) return `${file} is readable by other users (mode ${mode}); run: chmod 600 ${file}`;
  if (st.mode & 0o070 && !groups.includes(st.gid))
    return `${file} is readable by group ${st.gid}, which this agent is not in (mode ${mode}); run: chmod 600 ${file}`;
  return null;
}

export function loadIdentity(stateDir: string): AgentIdentity | null {
  const file = identityPath(stateDir);
  if (!fs.existsSync(file)) return null;
  const problem = keyFileModeProblem(file, fs.statSync(file), ownGroups());
  if (problem) throw new Error(problem);
  const parsed = fileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file} is not a valid agent identity: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  const d = parsed.data;
  const raw = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
  return {
    coordinator: d.coordinator,
    transport: rememberedTransport(d.transport),
    federationId: d.federationId,
    participantId: d.participantId,
    keyEpoch: d.keyEpoch,
    planJson: d.planJson,
    signingPublicKey: raw(d.signingPublicKey),
    signingSecretKey: raw(d.signingSecretKey),
    boxPublicKey: raw(d.boxPublicKey),
    boxSecretKey: raw(d.boxSecretKey),
  };
}
