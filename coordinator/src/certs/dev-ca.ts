import { randomBytes, webcrypto } from 'crypto';
import { writePrivateFile } from '../common/private-file';
import * as fs from 'fs';
import * as path from 'path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600_000;

export interface PemPair {
  cert: string;
  key: string;
}

export interface DevPki {
  ca: PemPair;
  coordinator: PemPair;
  /** Client certificates for mutual TLS, by agent name. */
  agents: Record<string, PemPair>;
}

const serial = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/^[89a-f]/, '1');

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

interface Authority {
  cert: x509.X509Certificate;
  signingKey: CryptoKey;
}

async function issueCertificate(
  ca: Authority,
  o: { cn: string; usage: 'server' | 'client'; sans: string[]; notBefore: Date; notAfter: Date },
): Promise<PemPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${o.cn}`,
    issuer: ca.cert.subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        o.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      ...(o.sans.length
        ? [
            new x509.SubjectAlternativeNameExtension(
              o.sans.map((h) =>
                /^[\d.]+$|:/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h },
              ),
            ),
          ]
        : []),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

/**
 * A client certificate for one more agent from an existing CA (its ca.pem and ca.key): adds a
 * bank without touching any certificate already issued.
 */
export async function issueAgentCertificate(caPem: PemPair, name: string, days = 365): Promise<PemPair> {
  const cert = new x509.X509Certificate(caPem.cert);
  const der = Buffer.from(caPem.key.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  const notAfter = new Date(Math.min(Date.now() + days * DAY, cert.notAfter.getTime()));
  return issueCertificate(
    { cert, signingKey },
    { cn: name, usage: 'client', sans: [], notBefore: new Date(Date.now() - 60_000), notAfter },
  );
}

/**
 * A development CA, a coordinator server certificate for `hosts`, and optional agent
 * client certificates (ECDSA P-256). For demos and tests only: production uses the
 * operator's own CA and certificates.
 */
export async function makeDevPki(o: { hosts: string[]; agents?: string[]; days?: number }): Promise<DevPki> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + (o.days ?? 365) * DAY);
  const caKeys = await newKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Syndicate development CA, O=Syndicate (not for production)',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const authority: Authority = { cert: ca, signingKey: caKeys.privateKey };
  const issue = (cn: string, usage: 'server' | 'client', sans: string[]) =>
    issueCertificate(authority, { cn, usage, sans, notBefore, notAfter });
  const agents: Record<string, PemPair> = {};
  for (const name of o.agents ?? []) agents[name] = await issue(name, 'client', []);
  return {
    ca: { cert: ca.toString('pem'), key: await keyPem(caKeys.privateKey) },
    coordinator: await issue(o.hosts[0] ?? 'localhost', 'server', o.hosts),
    agents,
  };
}

/** Writes the PKI as ca.pem, coordinator.pem/.key and agents/<name>.pem/.key; keys are 0600. Returns the files. */
export function writeDevPki(
  dir: string,
  pki: DevPki,
): {
  caCert: string;
  coordinatorCert: string;
  coordinatorKey: string;
  agents: Record<string, { cert: string; key: string }>;
} {
  fs.mkdirSync(path.join(dir, 'agents'), { recursive: true });
  const put = (file: string, text: string, secret = false) => {
    if (secret) writePrivateFile(path.join(dir, file), text);
    else fs.writeFileSync(path.join(dir, file), text, { mode: 0o644 });
    return path.join(dir, file);
  };
  const agents: Record<string, { cert: string; key: string }> = {};
  for (const [name, pair] of Object.entries(pki.agents))
    agents[name] = { cert: put(`agents/${name}.pem`, pair.cert), key: put(`agents/${name}.key`, pair.key, true) };
  put('ca.key', pki.ca.key, true);
  return {
    caCert: put('ca.pem', pki.ca.cert),
    coordinatorCert: put('coordinator.pem', pki.coordinator.cert),
    coordinatorKey: put('coordinator.key', pki.coordinator.key, true),
    agents,
  };
}
