import * as fs from 'fs';

export interface ReplayFigures {
  requests: number;
  failed: number;
  alerts: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Replays a transaction file against `serve` as the payment switch would post
 * it (in time order, `concurrency` in flight), timing each request end to end.
 */
export async function replayStream(
  url: string,
  file: string,
  o: { limit: number; concurrency: number },
): Promise<ReplayFigures> {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  const bodies = lines.slice(-o.limit).map((line) => {
    const cells = line.split(',');
    const tx: Record<string, string | number> = {};
    cols.forEach((c, i) => {
      if (c !== 'is_fraud') tx[c] = c === 'ts' || c === 'amount' ? Number(cells[i]) : cells[i];
    });
    return JSON.stringify(tx);
  });
  const latencies: number[] = [];
  let failed = 0;
  let alerts = 0;
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = (await res.json()) as { decision?: string };
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 200) failed++;
      else if (answer.decision === 'alert') alerts++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    requests: bodies.length,
    failed,
    alerts,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
    p99Ms: quantile(latencies, 0.99),
  };
}
