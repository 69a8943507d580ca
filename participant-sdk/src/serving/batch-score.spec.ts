import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { advanceCardState, BoundedCardStore, initialWeights, readPlanFile } from '@syndicate/protocol';
import { csvRecords } from '../data/csv-records';
import { scoredChunks } from './batch-rows';
import { scoreFile } from './batch-score';
import { ScoringModel } from './scoring-model';

const PLAN = path.resolve(__dirname, '..', '..', '..', 'examples', 'fraud', 'plan.json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-batch-score-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A seeded stream of card transactions with the cells a real export has: quotes, odd numbers, spaces, bad rows. */
function transactionFile(rows: number): string {
  let seed = 17;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const mcc = ['grocery', 'fuel', 'online', 'gift_cards', 'atm'];
  const lines = ['tx_id,card_id,ts,amount,merchant_id,mcc,region,channel,is_fraud'];
  let ts = 1_767_571_200;
  for (let i = 0; i < rows; i++) {
    ts += Math.floor(rand() * 900);
    const card = `c-${Math.floor(rand() * 60)}`;
    let amount = (rand() * 300).toFixed(2);
    const odd = rand();
    if (odd < 0.02)
      amount = `${Number(amount) / 100}e2`; // scientific: the slow number path
    else if (odd < 0.03)
      amount = `"${amount}"`; // quoted
    else if (odd < 0.04) amount = ` ${amount} `; // spaces to trim
    let merchant = `m-${Math.floor(rand() * 40)}`;
    if (rand() < 0.01) merchant = `"m, ""${merchant}"""`; // comma and quotes inside
    let mccCell = pick(mcc);
    if (rand() < 0.003) mccCell = 'casino'; // not in the vocabulary: a bad row
    if (rand() < 0.002) amount = '-5'; // negative: a bad row
    lines.push(
      `t${i},${card},${ts},${amount},${merchant},${mccCell},${pick(['north', 'south'])},${pick(['pos', 'online'])},0`,
    );
  }
  const file = path.join(dir, `tx-${rows}.csv`);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

describe('batch scoring (syndicate-agent score)', () => {
  const plan = readPlanFile(PLAN);
  const model = new ScoringModel('m1', plan, initialWeights({ ...plan, seed: 3 }));
  const file = transactionFile(20_000);

  it.each([undefined, 20])(
    'scores every row exactly as the per-record path of serve does, bit for bit, and lists the same bad rows (card bound %p)',
    async (maxCards) => {
      // The per-record path: csv-parse records, the serving encoder, one score at a time.
      const expected: { row: number; card: string; score: number }[] = [];
      const expectedBad: number[] = [];
      const store = new BoundedCardStore(maxCards);
      let header: Map<string, number> | undefined;
      for await (const { row, fields } of csvRecords(file)) {
        if (!header) {
          header = new Map(fields.map((f, i) => [f, i]));
          continue;
        }
        const h = header;
        const p = model.prepare(
          (f) => (h.has(f) ? fields[h.get(f)!] : undefined),
          (c) => store.get(c),
        );
        if (!p.ok) {
          expectedBad.push(row);
          continue;
        }
        expected.push({ row, card: p.tx.cardId, score: model.scorer.score(p.x) });
        store.set(p.tx.cardId, advanceCardState(store.get(p.tx.cardId), p.tx));
      }
      const got: { card: string; score: number }[] = [];
      const bad: number[] = [];
      const own = new BoundedCardStore<number>(maxCards);
      for await (const c of scoredChunks(model, file, own)) {
        for (let i = 0; i < c.rows; i++) got.push({ card: c.cardIds[i], score: c.scores[i] });
        bad.push(...c.problems.map((p) => p.row));
      }
      expect(bad).toEqual(expectedBad);
      expect(bad.length).toBeGreaterThan(10);
      expect(got.length).toBe(expected.length);
      const differing = got.filter((g, i) => g.card !== expected[i].card || !Object.is(g.score, expected[i].score));
      expect(differing).toEqual([]);
      // The scores vary (a constant model would match trivially); with a bound, cards were evicted on both paths.
      expect(new Set(got.map((g) => g.score)).size).toBeGreaterThan(1000);
      expect(own.evictions).toBe(store.evictions);
      if (maxCards) expect(own.evictions).toBeGreaterThan(1000);
    },
  );

  it('writes one line per good row and fails naming each bad row and column', async () => {
    const out = path.join(dir, 'scores.csv');
    await expect(scoreFile({ model, data: file, out, threshold: 0.5 })).rejects.toThrow(
      /row \d+, column (mcc: "casino" is not in the vocabulary|amount: "-5" is not an amount)/,
    );
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('tx_id,card_id,score,decision');
    expect(lines[1]).toMatch(/^t0,c-\d+,0\.\d{6},(alert|approve)$/);
  });

  it('on two threads, each owning a share of the cards: the same file and the same bad rows', async () => {
    const one = path.join(dir, 'one.csv');
    const two = path.join(dir, 'two.csv');
    const failure = (threads: number, out: string) =>
      scoreFile({ model, data: file, out, threshold: 0.5, threads }).then(
        () => 'no error',
        (err: Error & { problems?: string[] }) => [err.message, ...(err.problems ?? [])].join('\n'),
      );
    const expected = await failure(1, one);
    expect(expected).toMatch(/row \d+, column/);
    expect(await failure(2, two)).toBe(expected);
    expect(fs.readFileSync(two, 'utf8')).toBe(fs.readFileSync(one, 'utf8'));
  });
});
