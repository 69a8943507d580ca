/** What a participant's authenticated request must show under mutual TLS. */
export type CertificateVerdict =
  | { ok: true; bind?: string }
  | { ok: false; reason: 'CLIENT_CERTIFICATE_MISSING' | 'CLIENT_CERTIFICATE_MISMATCH'; message: string };

/**
 * Binds a participant to the client certificate it enrolled over. Mutual TLS alone only proves
 * "some bank the CA vouches for": without this, bank B's certificate could carry bank A's signed
 * messages. A participant enrolled before binding existed is bound to the first certificate it
 * presents (`bind`), and to that one only from then on.
 */
export function checkClientCertificateBinding(
  participant: { id: string; clientCertSha256: string | null },
  presentedSha256: string | undefined,
  mutualTls: boolean,
): CertificateVerdict {
  if (!mutualTls) return { ok: true };
  if (!presentedSha256)
    return {
      ok: false,
      reason: 'CLIENT_CERTIFICATE_MISSING',
      message: `participant ${participant.id} must present its client certificate (mutual TLS)`,
    };
  if (participant.clientCertSha256 === null) return { ok: true, bind: presentedSha256 };
  if (participant.clientCertSha256 !== presentedSha256)
    return {
      ok: false,
      reason: 'CLIENT_CERTIFICATE_MISMATCH',
      message: `participant ${participant.id} enrolled with client certificate sha256:${participant.clientCertSha256.slice(0, 16)}…, this connection presented sha256:${presentedSha256.slice(0, 16)}…: another bank's certificate cannot speak for it`,
    };
  return { ok: true };
}
