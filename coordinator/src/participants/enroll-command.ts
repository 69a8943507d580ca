import type { AgentConnection } from './agent-address';

/**
 * The complete enrollment command, TLS flags included; the file names are those a kit or `certs issue` writes.
 * Shared by the CLI and the web console (pure, no Node).
 */
export function enrollCommand(
  agent: AgentConnection | undefined,
  federationId: string,
  name: string,
  token: string,
): string {
  const coordinator = agent?.coordinator ?? '<grpc-address>';
  const file = name.replace(/[^A-Za-z0-9_.-]+/g, '-');
  const tls =
    agent?.tls === 'none'
      ? ' --insecure'
      : agent?.tls === 'mutual'
        ? ` --ca ca.pem --cert ${file}.pem --key ${file}.key`
        : ' --ca ca.pem';
  return `syndicate-agent enroll --coordinator ${coordinator} --federation ${federationId} --token ${token}${tls}`;
}
