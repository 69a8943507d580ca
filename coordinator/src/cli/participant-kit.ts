import * as fs from 'fs';
import * as path from 'path';
import type { AgentConnection } from '../participants/agent-address';

/** Everything one bank needs to enroll and run, in the style of NVIDIA FLARE's startup kits. */
export interface KitContents {
  federationId: string;
  name: string;
  agent: AgentConnection;
  token: string;
  expiresAt: number;
  /** PEM of the CA the coordinator's certificate chains to (absent under --insecure). */
  caPem?: string;
  /** The bank's client certificate and key, when the coordinator requires mutual TLS. */
  client?: { cert: string; key: string };
  /** Where the bank's extract will be, as written into agent.yaml. */
  data: string;
}

export const RUN_COMMAND = 'syndicate-agent run --config agent.yaml';

/** Pure: agent.yaml for a kit. Paths are relative to the file (the agent resolves them so). */
export function kitAgentYaml(k: KitContents): string {
  return [
    `# Syndicate agent for "${k.name}" in federation ${k.federationId}. Paths are relative to this file.`,
    `coordinator: ${k.agent.coordinator}`,
    `federation: ${k.federationId}`,
    '# One-time: used at first start only, then this bank is enrolled (keys in stateDir). Delete it afterwards.',
    'tokenFile: token',
    '# Keys and enrollment (0700). Keep and back up: losing it means enrolling again.',
    'stateDir: state',
    `# This bank's extract, matching the federation's schema: check it with syndicate-agent schema check.`,
    `data: ${k.data}`,
    ...(k.agent.tls === 'none' ? ['insecure: true'] : ['ca: ca.pem']),
    ...(k.client ? ['cert: client.pem', 'key: client.key'] : []),
    '',
  ].join('\n');
}

export function kitRunText(k: KitContents): string {
  return [
    `Syndicate startup kit for "${k.name}" (federation ${k.federationId})`,
    '',
    `Coordinator: ${k.agent.coordinator} (${k.agent.tls === 'mutual' ? 'TLS with a client certificate' : k.agent.tls === 'server' ? 'TLS' : 'PLAINTEXT, development only'})`,
    `Enrollment token expires: ${new Date(k.expiresAt).toISOString()} (works once)`,
    '',
    'Files: agent.yaml (settings), token (one-time enrollment token, 0600)' +
      (k.caPem ? ', ca.pem (the consortium CA)' : '') +
      (k.client ? ", client.pem + client.key (this bank's client certificate, 0600)" : '') +
      ', run.sh.',
    '',
    `1. Point "data:" in agent.yaml at your extract (now: ${k.data}).`,
    '2. If your outbound traffic goes through a proxy: export https_proxy=http://proxy.bank.example:3128',
    '3. From this directory:',
    '',
    `   ${RUN_COMMAND}`,
    '',
    'The agent enrolls on first start (keys are generated here and never leave), then keeps running.',
    'Health: syndicate-agent health --state-dir state',
    '',
  ].join('\n');
}

/** Writes the kit into a new directory; secrets 0600. A partly written kit is removed. */
export function writeKit(dir: string, k: KitContents): string[] {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length)
    throw new Error(`${dir} exists and is not empty; choose a new --out directory`);
  const created = !fs.existsSync(dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const files: string[] = [];
    const put = (name: string, text: string, mode = 0o644) => {
      fs.writeFileSync(path.join(dir, name), text, { mode });
      files.push(name);
    };
    put('agent.yaml', kitAgentYaml(k));
    put('token', `${k.token}\n`, 0o600);
    if (k.caPem) put('ca.pem', k.caPem);
    if (k.client) {
      put('client.pem', k.client.cert);
      put('client.key', k.client.key, 0o600);
    }
    put('RUN.txt', kitRunText(k));
    put(
      'run.sh',
      `#!/bin/sh\n# ${k.name}: enroll on first start, then serve rounds.\ncd "$(dirname "$0")" && exec ${RUN_COMMAND} "$@"\n`,
      0o755,
    );
    return files;
  } catch (err) {
    if (created) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
