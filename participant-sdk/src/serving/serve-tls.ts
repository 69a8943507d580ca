import * as fs from 'fs';
import * as net from 'net';
import * as grpc from '@grpc/grpc-js';
import { AgentConfigError } from '../config/agent-config';

/** The bank's own certificate for the scoring endpoints; `clientCaFile` asks callers (the switch) for theirs. */
export interface ServeTls {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}

/** What both listeners load once at start-up. */
export interface ServeTlsMaterial {
  cert: Buffer;
  key: Buffer;
  clientCa?: Buffer;
}

export interface ServeTlsFlags {
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  /** Plaintext on a non-loopback address, asked for on the command line. */
  plaintext?: boolean;
  host: string;
}

const isLoopback = (host: string) =>
  host === 'localhost' || (net.isIP(host) === 4 ? host.startsWith('127.') : host === '::1');

/**
 * The listeners' TLS from `serve`'s flags, mirroring the agent's transport: both
 * halves of a certificate or neither, and plaintext where the payment network can
 * see it only when the command line says so (card data in clear otherwise).
 */
export function serveTlsFromFlags(f: ServeTlsFlags): ServeTls | undefined {
  const problems: string[] = [];
  if (Boolean(f.tlsCert) !== Boolean(f.tlsKey))
    problems.push(`--tls-cert and --tls-key go together (got only ${f.tlsCert ? '--tls-cert' : '--tls-key'})`);
  if (f.tlsClientCa && !f.tlsCert)
    problems.push('--tls-client-ca checks callers during a TLS handshake: give --tls-cert and --tls-key too');
  if (f.plaintext && f.tlsCert) problems.push('--plaintext contradicts --tls-cert: choose one');
  if (!f.tlsCert && !f.plaintext && !isLoopback(f.host))
    problems.push(
      `--host ${f.host} is not loopback: serve over TLS with --tls-cert and --tls-key (the bank's certificate), or pass --plaintext to send card data in clear on that network`,
    );
  // A usage error: the CLI prints every problem and exits 2, like the agent's other flags.
  if (problems.length) throw new AgentConfigError(problems);
  return f.tlsCert && f.tlsKey
    ? { certFile: f.tlsCert, keyFile: f.tlsKey, ...(f.tlsClientCa ? { clientCaFile: f.tlsClientCa } : {}) }
    : undefined;
}

function read(file: string, what: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`${what} ${file} (${flag}) cannot be read (${code})`);
  }
}

export function readServeTls(t: ServeTls): ServeTlsMaterial {
  return {
    cert: read(t.certFile, 'server certificate', '--tls-cert'),
    key: read(t.keyFile, 'server key', '--tls-key'),
    ...(t.clientCaFile ? { clientCa: read(t.clientCaFile, 'client CA certificate', '--tls-client-ca') } : {}),
  };
}

export function grpcServerCredentials(m: ServeTlsMaterial | undefined): grpc.ServerCredentials {
  if (!m) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    m.clientCa ?? null,
    [{ cert_chain: m.cert, private_key: m.key }],
    m.clientCa !== undefined,
  );
}

/** node:https options for fastify: with a client CA, a caller without a certificate it signed is refused in the handshake. */
export function httpsOptions(m: ServeTlsMaterial) {
  return m.clientCa
    ? { cert: m.cert, key: m.key, ca: m.clientCa, requestCert: true, rejectUnauthorized: true }
    : { cert: m.cert, key: m.key };
}
