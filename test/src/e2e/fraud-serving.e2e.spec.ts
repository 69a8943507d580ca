import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import autocannon from 'autocannon';
import pino from 'pino';
import { advanceCardState, BoundedCardStore, initialWeights, loadScoringService } from '@syndicate/protocol';
import { loadCsvDataset, loadScoringModel, predict, startServe, type RunningServe } from '@syndicate/participant';
import { fraudPlan, smallFraudBank, transactionRequests as requests, writeModelFile } from '../support/fraud-fixture';

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/score`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const logger = pino({ level: 'silent' });

interface ShadowLine {
  champion: { model: string; score: number };
  challenger: { model: string; score?: number };
}

describe('fraud scoring: the training connector and `serve` compute the same features and scores', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-fraud-serve-'));
  const plan = fraudPlan();
  const championFile = writeModelFile(path.join(dir, 'champion.json'), 'champion-v1', plan);
  let bankFile = '';
  let running: RunningServe | undefined;
  beforeAll(async () => {
    bankFile = (await smallFraudBank(path.join(dir, 'data'))).path;
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('feeds the same transactions through the CSV connector and the serving encoder and gets identical features', async () => {
    const training = await loadCsvDataset(bankFile, plan.schema);
    const bodies = requests(bankFile);
    expect(training.rows).toBe(bodies.length);
    expect(training.rows).toBeGreaterThan(2000);
    const model = loadScoringModel(championFile);
    const store = new BoundedCardStore();
    let differing = 0;
    let nonTrivial = 0;
    bodies.forEach((b, i) => {
      const p = model.prepare(
        (f) => b[f],
        (card) => store.get(card),
      );
      if (!p.ok) throw new Error(`row ${i + 2}: ${JSON.stringify(p.problems)}`);
      store.set(p.tx.cardId, advanceCardState(store.get(p.tx.cardId), p.tx));
      const row = training.features.subarray(i * training.inputDim, (i + 1) * training.inputDim);
      if (!p.x.every((v, k) => Object.is(v, row[k]))) differing++;
      if (row[2] !== training.features[2]) nonTrivial++;
    });
    expect(differing).toBe(0);
    // Sanity: the history features actually vary (a constant column would match trivially).
    expect(nonTrivial).toBeGreaterThan(100);
  });

  it('scores over HTTP exactly what the model gives the training rows, with a decision and the top reasons', async () => {
    const training = await loadCsvDataset(bankFile, plan.schema);
    const bodies = requests(bankFile).slice(0, 300);
    const model = loadScoringModel(championFile);
    running = await startServe({ champion: { kind: 'file', file: championFile }, threshold: 0.5, port: 0, logger });
    for (const [i, b] of bodies.entries()) {
      const r = await post(running.url, b);
      expect(r.status).toBe(200);
      const expected = model.scorer.score(
        training.features.subarray(i * training.inputDim, (i + 1) * training.inputDim),
      );
      expect(r.json.score).toBe(expected);
      expect(r.json.decision).toBe(expected >= 0.5 ? 'alert' : 'approve');
      expect(r.json.model).toBe('champion-v1');
      expect((r.json.reasons as unknown[]).length).toBe(3);
    }
    // The in-process scorer is the trained network: same scores as TensorFlow.js on the same weights.
    const tfScores = await predict(plan, initialWeights(plan), {
      ...training,
      rows: 500,
      features: training.features.subarray(0, 500 * training.inputDim),
    });
    for (let i = 0; i < 500; i++)
      expect(
        Math.abs(
          tfScores[i] -
            model.scorer.score(training.features.subarray(i * training.inputDim, (i + 1) * training.inputDim)),
        ),
      ).toBeLessThan(1e-5);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/syndicate_scoring_latency_seconds_count 300/);
    expect(metrics).toMatch(/syndicate_scoring_cards \d+/);
  });

  it('answers the same over gRPC (syndicate.v1.ScoringService/Score), and INVALID_ARGUMENT naming the field', async () => {
    running = await startServe({
      champion: { kind: 'file', file: championFile },
      threshold: 0.5,
      port: 0,
      grpcPort: 0,
      logger,
    });
    const Client = loadScoringService();
    const client = new Client(running.grpcAddress!, grpc.credentials.createInsecure());
    const call = (req: Record<string, unknown>) =>
      new Promise<{ err: grpc.ServiceError | null; res?: Record<string, unknown> }>((resolve) =>
        (
          client as unknown as Record<
            string,
            (r: unknown, cb: (e: grpc.ServiceError | null, r?: Record<string, unknown>) => void) => void
          >
        ).Score(req, (err, res) => resolve({ err, res })),
      );
    try {
      const tx = {
        card_id: 'g-1',
        ts: 1_767_600_000,
        amount: 42.5,
        merchant_id: 'north-grocery-3',
        region: 'north',
        mcc: 'grocery',
        channel: 'pos',
      };
      const expected = loadScoringModel(championFile);
      const p = expected.prepare(
        (f) => (tx as Record<string, unknown>)[f],
        () => undefined,
      );
      if (!p.ok) throw new Error('fixture transaction refused');
      const ok = await call({
        cardId: 'g-1',
        ts: tx.ts,
        amount: tx.amount,
        merchantId: tx.merchant_id,
        region: 'north',
        attributes: { mcc: 'grocery', channel: 'pos' },
        txId: 't-7',
      });
      expect(ok.err).toBeNull();
      expect(ok.res).toMatchObject({
        txId: 't-7',
        cardId: 'g-1',
        model: 'champion-v1',
        score: expected.scorer.score(p.x),
      });
      const bad = await call({
        cardId: 'g-1',
        ts: tx.ts,
        amount: -1,
        merchantId: 'm',
        region: 'north',
        // No merchant category at all (an unseen one is scored as __other__, the plan's default policy).
        attributes: { channel: 'pos' },
      });
      expect(bad.err?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(bad.err?.details).toMatch(/^amount: .*mcc: /);
    } finally {
      client.close();
    }
  });

  it('answers 400 naming the field for each malformed field, and keeps serving', async () => {
    running = await startServe({ champion: { kind: 'file', file: championFile }, threshold: 0.5, port: 0, logger });
    const good = {
      tx_id: 't1',
      card_id: 'c-1',
      ts: 1_767_600_000,
      amount: 42.5,
      merchant_id: 'north-grocery-3',
      mcc: 'grocery',
      region: 'north',
      channel: 'pos',
    };
    const cases: [string, unknown][] = [
      ['card_id', { ...good, card_id: undefined }],
      ['card_id', { ...good, card_id: '' }],
      ['ts', { ...good, ts: 'yesterday' }],
      ['ts', { ...good, ts: -1 }],
      ['amount', { ...good, amount: '12,50' }],
      ['amount', { ...good, amount: -5 }],
      ['amount', { ...good, amount: null }],
      ['merchant_id', { ...good, merchant_id: { id: 3 } }],
      ['region', { ...good, region: undefined }],
      ['mcc', { ...good, mcc: undefined }],
      ['channel', { ...good, channel: undefined }],
      ['(body)', [good]],
      ['(body)', 'null'],
      ['(body)', '{"card_id": "c-1", '],
      ['(body)', JSON.stringify({ ...good, merchant_id: 'x'.repeat(20_000) })],
    ];
    for (const [field, body] of cases) {
      const r = await post(running.url, body);
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      const problems = r.json.problems as { field: string; message: string }[];
      expect(problems.map((p) => p.field)).toContain(field);
      expect(problems.every((p) => p.message.length > 0)).toBe(true);
      expect((await post(running.url, good)).status).toBe(200);
    }
    // A refused request leaves the card's history as it was: only the good ones counted.
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/syndicate_scoring_decisions_total\{decision="(alert|approve)"\} 15/);
    expect(metrics).toMatch(/syndicate_scoring_rejected_total\{field="mcc"\} 1/);
  });

  it('swaps the champion during a load run without failing or dropping a request', async () => {
    const file = writeModelFile(path.join(dir, 'swap.json'), 'swap-v1', plan);
    running = await startServe({ champion: { kind: 'file', file }, threshold: 0.5, port: 0, logger });
    const body = JSON.stringify({
      card_id: 'c-9',
      ts: 1_767_600_000,
      amount: 10,
      merchant_id: 'm',
      mcc: 'fuel',
      region: 'west',
      channel: 'pos',
    });
    const seen = new Set<string>();
    const load = autocannon({
      url: `${running.url}/v1/score`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: 8,
      duration: 4,
      setupClient: (client) =>
        client.on('body', (b: Buffer) => seen.add((JSON.parse(b.toString()) as { model: string }).model)),
    });
    await new Promise((r) => setTimeout(r, 1000));
    writeModelFile(file, 'swap-v2', fraudPlan(7));
    expect(await running.reload()).toEqual({ champion: 'swap-v2', challenger: undefined });
    const result = await load;
    expect(result.requests.total).toBeGreaterThan(100);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBe(result.requests.total);
    expect([...seen].sort()).toEqual(['swap-v1', 'swap-v2']);
  });

  it('scores a challenger in shadow and logs both scores, answering with the champion', async () => {
    const challengerFile = writeModelFile(path.join(dir, 'challenger.json'), 'challenger-v1', fraudPlan(99));
    const shadowLog = path.join(dir, 'shadow.jsonl');
    running = await startServe({
      champion: { kind: 'file', file: championFile },
      challenger: { kind: 'file', file: challengerFile },
      shadowLog,
      threshold: 0.5,
      port: 0,
      logger,
    });
    const answers: number[] = [];
    for (const b of requests(bankFile).slice(0, 20)) {
      const r = await post(running.url, b);
      expect(r.json.model).toBe('champion-v1');
      answers.push(r.json.score as number);
    }
    await running.close();
    running = undefined;
    await new Promise((r) => setTimeout(r, 200));
    const lines = fs
      .readFileSync(shadowLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ShadowLine);
    expect(lines).toHaveLength(20);
    lines.forEach((l, i) => {
      expect(l.champion).toEqual({ model: 'champion-v1', score: answers[i] });
      expect(l.challenger.model).toBe('challenger-v1');
      expect(typeof l.challenger.score).toBe('number');
    });
    expect(lines.some((l) => l.challenger.score !== l.champion.score)).toBe(true);
  });
});
