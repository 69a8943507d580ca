import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { startServe, type RunningServe } from '@syndicate/participant';
import { fraudPlan, smallFraudBank, transactionRequests, writeModelFile } from '../support/fraud-fixture';

/** The machine's (and CI's) Redis; the suite uses its own key prefix and removes its keys. */
const REDIS_URL = process.env.SYNDICATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/score`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('serve with card histories in Redis: several replicas of one bank', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-fraud-redis-'));
  const prefix = `syndicate-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL);
  const model = writeModelFile(path.join(dir, 'model.json'), 'm1', fraudPlan());
  const replicas: RunningServe[] = [];
  const start = (cards?: 'redis') =>
    startServe({
      champion: { kind: 'file', file: model },
      threshold: 0.5,
      port: 0,
      logger,
      ...(cards ? { redis: { url: REDIS_URL, prefix, ttlDays: 2 } } : {}),
    }).then((r) => (replicas.push(r), r));

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two replicas sharing Redis answer a stream exactly as one in-memory replica (same features, scores, reasons)', async () => {
    const bodies = transactionRequests((await smallFraudBank(path.join(dir, 'data'))).path).slice(0, 300);
    const memory = await start();
    const [a, b] = [await start('redis'), await start('redis')];
    const cards = new Set<unknown>();
    for (const [i, body] of bodies.entries()) {
      const one = await post(memory.url, body);
      // The stream alternates between the replicas, as a load balancer would spread it.
      const shared = await post((i % 2 ? a : b).url, body);
      expect(one.status).toBe(200);
      expect(shared).toEqual(one);
      cards.add(body.card_id);
    }
    // Histories matter here: many cards came back, on both replicas.
    expect(cards.size).toBeLessThan(bodies.length * 0.8);
    const key = `${prefix}${String(bodies[bodies.length - 1].card_id)}`;
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(86_400);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
  });

  it('loses no transaction when replicas score the same card at the same time (compare-and-set, retried)', async () => {
    const [a, b] = [await start('redis'), await start('redis')];
    const t0 = 1_767_600_000;
    const tx = (i: number) => ({
      card_id: 'race-1',
      ts: t0 + i,
      amount: 10 + i,
      merchant_id: `m-${i % 5}`,
      region: 'north',
      mcc: 'grocery',
      channel: 'pos',
    });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post((i % 2 ? a : b).url, tx(i))));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    const state = JSON.parse((await redis.hget(`${prefix}race-1`, 's'))!) as { count: number; recent: number[] };
    expect(state.count).toBe(40);
    expect(state.recent).toHaveLength(40);
    expect(await redis.hget(`${prefix}race-1`, 'v')).toBe('40');
  });

  it('refuses to start when the Redis named cannot be reached, naming it', async () => {
    await expect(
      startServe({
        champion: { kind: 'file', file: model },
        threshold: 0.5,
        port: 0,
        logger,
        redis: { url: 'redis://127.0.0.1:1/0' },
      }),
    ).rejects.toThrow(/card store Redis redis:\/\/127\.0\.0\.1:1\/0 cannot be reached/);
  });
});
