import { AgentConfigError } from '../config/agent-config';
import { serveTlsFromFlags } from './serve-tls';

describe('serveTlsFromFlags', () => {
  it('serves TLS with both halves of a certificate, mutual with a client CA', () => {
    expect(serveTlsFromFlags({ host: '0.0.0.0', tlsCert: 'a.pem', tlsKey: 'a.key' })).toEqual({
      certFile: 'a.pem',
      keyFile: 'a.key',
    });
    expect(serveTlsFromFlags({ host: '10.0.0.5', tlsCert: 'a.pem', tlsKey: 'a.key', tlsClientCa: 'ca.pem' })).toEqual({
      certFile: 'a.pem',
      keyFile: 'a.key',
      clientCaFile: 'ca.pem',
    });
  });

  it('stays plaintext on loopback, and off it only when --plaintext says so', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(serveTlsFromFlags({ host })).toBeUndefined();
    expect(serveTlsFromFlags({ host: '10.0.0.5', plaintext: true })).toBeUndefined();
    expect(() => serveTlsFromFlags({ host: '10.0.0.5' })).toThrow(
      /--host 10\.0\.0\.5 is not loopback: serve over TLS with --tls-cert and --tls-key .*or pass --plaintext/,
    );
  });

  it('names every inconsistent flag, all at once, as a configuration error (exit 2)', () => {
    let error: unknown;
    try {
      serveTlsFromFlags({ host: '10.0.0.5', tlsKey: 'a.key', tlsClientCa: 'ca.pem' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentConfigError);
    expect((error as AgentConfigError).problems).toHaveLength(3);

    expect(() => serveTlsFromFlags({ host: '127.0.0.1', tlsCert: 'a.pem' })).toThrow(
      '--tls-cert and --tls-key go together (got only --tls-cert)',
    );
    expect(() => serveTlsFromFlags({ host: '127.0.0.1', tlsClientCa: 'ca.pem' })).toThrow(
      '--tls-client-ca checks callers during a TLS handshake: give --tls-cert and --tls-key too',
    );
    expect(() => serveTlsFromFlags({ host: '127.0.0.1', tlsCert: 'a.pem', tlsKey: 'a.key', plaintext: true })).toThrow(
      '--plaintext contradicts --tls-cert: choose one',
    );
  });
});
