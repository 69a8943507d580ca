import { AsyncLocalStorage } from 'async_hooks';

/** Who is on the other end of the request being served: the audit service rate-limits refusals by it. */
const peerStore = new AsyncLocalStorage<string>();

export function currentPeer(): string | undefined {
  return peerStore.getStore();
}

export function runWithPeer<T>(peer: string, work: () => T): T {
  return peerStore.run(peer, work);
}

/** The address without the port: a new connection must not buy a new allowance. */
export function peerHost(peer: string): string {
  const m = /^(?:ipv4:|ipv6:)?\[?([^\]]*?)\]?(?::\d+)?$/.exec(peer);
  return m ? m[1] : peer;
}

/**
 * Wraps a grpc-js handler map so each call runs with its peer address in context; the handlers
 * themselves are unchanged.
 */
export function withPeerContext<H extends object>(handlers: H): H {
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') {
      out[name] = handler;
      continue;
    }
    out[name] = (call: { getPeer(): string }, ...rest: unknown[]) =>
      runWithPeer(peerHost(call.getPeer()), () => (handler as (...a: unknown[]) => unknown)(call, ...rest));
  }
  return out as H;
}
