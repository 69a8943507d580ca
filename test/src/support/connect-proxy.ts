import * as http from 'http';
import * as net from 'net';

/**
 * A minimal HTTP CONNECT proxy on loopback, as a bank's outbound gateway: it records which
 * host:port each tunnel was opened to and relays bytes untouched (TLS stays end to end).
 */
export class ConnectProxy {
  readonly tunnels: string[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<ConnectProxy> {
    const server = http.createServer((_req, res) => res.writeHead(405).end('CONNECT only\n'));
    const proxy = new ConnectProxy(server);
    server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const target = req.url ?? '';
      proxy.tunnels.push(target);
      const m = /^(.*):(\d+)$/.exec(target);
      if (!m) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      const upstream = net.connect(Number(m[2]), m[1].replace(/^\[|\]$/g, ''), () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('close', () => proxy.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
