/** A failed TLS handshake with the coordinator, told in terms of what the bank's operator should change. */
export interface TlsFailure {
  kind: 'untrusted-server' | 'client-certificate' | 'name-mismatch' | 'expired' | 'handshake';
  hint: string;
}

const RULES: { kind: TlsFailure['kind']; pattern: RegExp; hint: string }[] = [
  {
    kind: 'name-mismatch',
    pattern: /does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i,
    hint: "the coordinator's certificate does not name the host in --coordinator: use the name the invitation or kit gives (it must be in the certificate's subject alternative names)",
  },
  {
    kind: 'expired',
    pattern: /certificate has expired|CERT_HAS_EXPIRED|certificate is not yet valid|alert certificate expired/i,
    hint: "a certificate has expired (or the clock is wrong): check this host's time, then ask the consortium for renewed certificates",
  },
  {
    kind: 'untrusted-server',
    pattern:
      /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate verify failed|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|certificate signature failure/i,
    hint: "the coordinator's certificate is not signed by the CA this agent trusts: pass the consortium's CA certificate with --ca (ca.pem from your kit)",
  },
  {
    kind: 'client-certificate',
    pattern:
      /alert certificate required|alert bad certificate|alert unknown ca|peer did not return a certificate|alert certificate unknown|alert access denied/i,
    hint: 'the coordinator requires a client certificate from the consortium CA: pass --cert and --key (client.pem and client.key from your kit), issued by `syndicate certs issue`',
  },
  {
    kind: 'handshake',
    pattern: /wrong version number|packet length too long|ssl3_get_record|EPROTO|handshake failure|SSL routines|TLS/,
    hint: 'the TLS handshake failed: is the coordinator plaintext (then --insecure, development only), or is a proxy in between intercepting TLS?',
  },
];

/** Pure: the failure a grpc-js / OpenSSL message describes, or null when it is not about TLS. */
export function classifyTlsFailure(message: string): TlsFailure | null {
  const rule = RULES.find((r) => r.pattern.test(message));
  return rule ? { kind: rule.kind, hint: rule.hint } : null;
}

/** The first line of grpc-js's message, without its "Resolution note" and stack noise. */
export function conciseTlsMessage(message: string): string {
  return message.split(/\s*Resolution note:|\n/)[0].trim();
}
