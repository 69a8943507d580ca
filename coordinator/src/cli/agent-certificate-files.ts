import * as fs from 'fs';
import * as path from 'path';
import { CliError, EXIT } from './api-command';
import { issueAgentCertificate, type PemPair } from '../certs/dev-ca';

export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function readCa(dir: string): PemPair {
  const cert = path.join(dir, 'ca.pem');
  const key = path.join(dir, 'ca.key');
  for (const f of [cert, key])
    if (!fs.existsSync(f))
      throw new CliError(
        EXIT.USAGE,
        `${f} not found: --certs/--out must name the directory \`syndicate certs init\` wrote (it holds ca.pem and ca.key)`,
      );
  return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
}

/** Issues `agents/NAME.pem` and `.key` (0600) from the CA in `dir`; an existing pair is kept unless `force`. */
export async function issueAgentFiles(
  dir: string,
  name: string,
  o: { days?: number; force?: boolean } = {},
): Promise<{ cert: string; key: string; caCert: string }> {
  if (!AGENT_NAME.test(name))
    throw new CliError(EXIT.USAGE, `--agent ${name}: cannot be used as a file name (letters, digits, _ . - only)`);
  const ca = readCa(dir);
  const cert = path.join(dir, 'agents', `${name}.pem`);
  const key = path.join(dir, 'agents', `${name}.key`);
  if (fs.existsSync(cert) && !o.force)
    throw new CliError(
      EXIT.CONFLICT,
      `${cert} already exists; pass --force to issue a new one (the old one stays valid until it expires)`,
    );
  const pair = await issueAgentCertificate(ca, name, o.days);
  fs.mkdirSync(path.dirname(cert), { recursive: true });
  fs.writeFileSync(cert, pair.cert, { mode: 0o644 });
  fs.writeFileSync(key, pair.key, { mode: 0o600 });
  return { cert, key, caCert: path.join(dir, 'ca.pem') };
}
