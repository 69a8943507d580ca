import { classifyTlsFailure, conciseTlsMessage } from './tls-failure';

describe('classifyTlsFailure', () => {
  it.each([
    [
      'No connection established. Last error: Error: 140:error:0A00045C:SSL routines::tlsv13 alert certificate required. Resolution note:',
      'client-certificate',
    ],
    [
      'No connection established. Last error: Error: certificate signature failure. Resolution note:',
      'untrusted-server',
    ],
    ['Last error: Error: self-signed certificate in certificate chain', 'untrusted-server'],
    ['Last error: Error: unable to verify the first certificate', 'untrusted-server'],
    [
      "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:coordinator.test",
      'name-mismatch',
    ],
    ['Last error: Error: certificate has expired', 'expired'],
    ['error:0A00010B:SSL routines::wrong version number', 'handshake'],
  ])('%s -> %s', (message, kind) => {
    expect(classifyTlsFailure(message)?.kind).toBe(kind);
  });

  it('is null for failures that are not about TLS', () => {
    expect(
      classifyTlsFailure('No connection established. Last error: connect ECONNREFUSED 127.0.0.1:50051'),
    ).toBeNull();
  });

  it('drops the grpc-js resolution note', () => {
    expect(conciseTlsMessage('Enroll refused (UNAVAILABLE): x. Resolution note: \nmore')).toBe(
      'Enroll refused (UNAVAILABLE): x.',
    );
  });
});
