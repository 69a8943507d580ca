import * as fs from 'fs';
import autocannon from 'autocannon';
export { startServeProcess } from '../support/serve-process';

export interface LoadFigures {
  connections: number;
  rate: number | null;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  failed: number;
}

/** Time-ordered transactions of a bank file as JSON request bodies, so the card histories evolve as in production. */
export function requestBodies(file: string): string[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const tx: Record<string, string | number> = {};
    cols.forEach((c, i) => {
      if (c !== 'is_fraud') tx[c] = c === 'ts' || c === 'amount' ? Number(cells[i]) : cells[i];
    });
    return JSON.stringify(tx);
  });
}

/**
 * One autocannon run posting the bodies in turn (each connection takes the next
 * transaction), at a fixed overall rate or as fast as it answers.
 */
export async function loadRun(
  url: string,
  bodies: string[],
  o: { connections: number; seconds: number; rate?: number; during?: () => Promise<void> },
): Promise<LoadFigures> {
  let next = 0;
  const run = autocannon({
    url: `${url}/v1/score`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: o.connections,
    duration: o.seconds,
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  if (o.during) await o.during();
  const r = await run;
  return {
    connections: o.connections,
    rate: o.rate ?? null,
    rps: r.requests.average,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    requests: r.requests.total,
    failed: r.errors + r.timeouts + r.non2xx,
  };
}
