import * as net from 'net';

/**
 * A TCP relay between an agent and the coordinator that a test can freeze and
 * cut: a bank's network failing at a chosen moment. TLS passes through untouched,
 * so the agent still verifies the coordinator's certificate.
 */
export class TcpProxy {
  /** Bytes relayed from agents towards the coordinator so far. */
  upstreamBytes = 0;
  /** Bytes relayed from the coordinator towards agents so far. */
  downstreamBytes = 0;
  private frozen = false;
  private freezeAt = Infinity;
  private onFrozen?: () => void;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server, targetPort);
    server.on('connection', (client) => proxy.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves once `bytes` have gone upstream; from then on nothing moves either way (the link hangs, as a dead NAT box does). */
  freezeAfter(bytes: number): Promise<void> {
    this.freezeAt = bytes;
    return new Promise((resolve) => {
      this.onFrozen = resolve;
      if (this.upstreamBytes >= bytes) this.freeze();
    });
  }

  /** Drops every connection it carries (agents may connect again). */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private freeze(): void {
    if (this.frozen) return;
    this.frozen = true;
    for (const s of this.sockets) s.pause();
    this.onFrozen?.();
  }

  private relay(client: net.Socket): void {
    if (this.frozen) return void client.destroy();
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const pipe = (from: net.Socket, to: net.Socket, upstreamward: boolean) => {
      from.on('data', (data: Buffer) => {
        if (upstreamward) this.upstreamBytes += data.length;
        else this.downstreamBytes += data.length;
        if (!to.write(data)) {
          from.pause();
          to.once('drain', () => !this.frozen && from.resume());
        }
        if (upstreamward && this.upstreamBytes >= this.freezeAt) this.freeze();
      });
    };
    pipe(client, upstream, true);
    pipe(upstream, client, false);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  }
}
