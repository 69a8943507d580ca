import { checkClientCertificateBinding } from './client-certificate-binding';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('checkClientCertificateBinding', () => {
  it("refuses another bank's certificate for an enrolled participant", () => {
    expect(checkClientCertificateBinding({ id: 'prt_a', clientCertSha256: A }, B, true)).toMatchObject({
      ok: false,
      reason: 'CLIENT_CERTIFICATE_MISMATCH',
      message: expect.stringMatching(/prt_a enrolled with client certificate sha256:aaaa.*presented sha256:bbbb/),
    });
  });

  it('positive control: the certificate it enrolled with passes', () => {
    expect(checkClientCertificateBinding({ id: 'prt_a', clientCertSha256: A }, A, true)).toEqual({ ok: true });
  });

  it('binds a participant enrolled before binding existed to the first certificate it shows', () => {
    expect(checkClientCertificateBinding({ id: 'prt_a', clientCertSha256: null }, B, true)).toEqual({
      ok: true,
      bind: B,
    });
  });

  it('under mutual TLS a certificate is required; without mutual TLS there is nothing to bind', () => {
    expect(checkClientCertificateBinding({ id: 'prt_a', clientCertSha256: A }, undefined, true)).toMatchObject({
      ok: false,
      reason: 'CLIENT_CERTIFICATE_MISSING',
    });
    expect(checkClientCertificateBinding({ id: 'prt_a', clientCertSha256: A }, undefined, false)).toEqual({ ok: true });
  });
});
