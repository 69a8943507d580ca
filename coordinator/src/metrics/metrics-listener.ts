import * as http from 'http';
import type { AddressInfo } from 'net';
import type { MetricsService } from './metrics.service';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Plain HTTP, /metrics only: in-cluster scrapers rarely hold the consortium's CA or a client
 * certificate, and nothing here is secret (no tokens, no per-bank figures beyond liveness).
 */
export function serveMetrics(
  metrics: Pick<MetricsService, 'text'>,
  port: number,
  host: string,
): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('only GET /metrics is served on this port\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body),
      (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}
