import { createHash } from 'crypto';
import { AsyncLocalStorage } from 'async_hooks';

/** Who is on the other end of the request being served. */
export interface CallContext {
  /** Network address without the port: the audit service rate-limits refusals by it. */
  peer: string;
  /** SHA-256 (hex) of the client certificate (DER) under mutual TLS: binds a participant to it. */
  clientCertSha256?: string;
}

const store = new AsyncLocalStorage<CallContext>();

export function currentCall(): CallContext | undefined {
  return store.getStore();
}

export function runWithCall<T>(ctx: CallContext, work: () => T): T {
  return store.run(ctx, work);
}

/** The address without the port: a new connection must not buy a new allowance. */
export function peerHost(peer: string): string {
  const m = /^(?:ipv4:|ipv6:)?\[?([^\]]*?)\]?(?::\d+)?$/.exec(peer);
  return m ? m[1] : peer;
}

interface ServerCallLike {
  getPeer(): string;
  getAuthContext?(): { sslPeerCertificate?: { raw?: Buffer } } | null;
}

export function callContextOf(call: ServerCallLike): CallContext {
  const raw = call.getAuthContext?.()?.sslPeerCertificate?.raw;
  return {
    peer: peerHost(call.getPeer()),
    ...(raw?.length ? { clientCertSha256: createHash('sha256').update(raw).digest('hex') } : {}),
  };
}

/**
 * Wraps a grpc-js handler map so each call runs with its caller (address, client certificate)
 * in context; the handlers themselves are unchanged.
 */
export function withCallContext<H extends object>(handlers: H): H {
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') {
      out[name] = handler;
      continue;
    }
    out[name] = (call: ServerCallLike, ...rest: unknown[]) =>
      runWithCall(callContextOf(call), () => (handler as (...a: unknown[]) => unknown)(call, ...rest));
  }
  return out as H;
}
