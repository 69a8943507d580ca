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

type Listener<T> = (update: T | null) => void;

/**
 * The serving certificate as grpc-js asks for it, replaceable while serving:
 * `update` (on SIGHUP) hands the new one to the gRPC listener, which uses it
 * for new connections while open ones carry on.
 */
export class ServeCertificates implements grpc.experimental.CertificateProvider {
  private readonly identity = new Set<Listener<grpc.experimental.IdentityCertificateUpdate>>();
  private readonly ca = new Set<Listener<grpc.experimental.CaCertificateUpdate>>();

  constructor(private material: ServeTlsMaterial) {}

  update(material: ServeTlsMaterial): void {
    this.material = material;
    for (const l of this.identity) this.tellIdentity(l);
    for (const l of this.ca) this.tellCa(l);
  }

  // grpc-js reads the first certificate just after it subscribes: told on the next tick, not during the call.
  addIdentityCertificateListener(l: Listener<grpc.experimental.IdentityCertificateUpdate>): void {
    this.identity.add(l);
    process.nextTick(() => this.identity.has(l) && this.tellIdentity(l));
  }
  removeIdentityCertificateListener(l: Listener<grpc.experimental.IdentityCertificateUpdate>): void {
    this.identity.delete(l);
  }
  addCaCertificateListener(l: Listener<grpc.experimental.CaCertificateUpdate>): void {
    this.ca.add(l);
    process.nextTick(() => this.ca.has(l) && this.tellCa(l));
  }
  removeCaCertificateListener(l: Listener<grpc.experimental.CaCertificateUpdate>): void {
    this.ca.delete(l);
  }

  private tellIdentity(l: Listener<grpc.experimental.IdentityCertificateUpdate>): void {
    l({ certificate: this.material.cert, privateKey: this.material.key });
  }
  private tellCa(l: Listener<grpc.experimental.CaCertificateUpdate>): void {
    l(this.material.clientCa ? { caCertificate: this.material.clientCa } : null);
  }
}

export function grpcServerCredentials(certs: ServeCertificates | undefined, mutual: boolean): grpc.ServerCredentials {
  if (!certs) return grpc.ServerCredentials.createInsecure();
  // grpc-js's implementation takes the identity provider first and the CA provider second (its typings name them the other way).
  const create = grpc.experimental.createCertificateProviderServerCredentials as (
    identity: grpc.experimental.CertificateProvider,
    ca: grpc.experimental.CertificateProvider | null,
    requireClientCertificate: boolean,
  ) => grpc.ServerCredentials;
  return create(certs, mutual ? certs : null, mutual);
}

/** node:https options for fastify: with a client CA, a caller without a certificate it signed is refused in the handshake. */
export function httpsOptions(m: ServeTlsMaterial) {
  return m.clientCa
    ? { cert: m.cert, key: m.key, ca: m.clientCa, requestCert: true, rejectUnauthorized: true }
    : { cert: m.cert, key: m.key };
}
