import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdminClient } from '@syndicate/coordinator';
import { generateConsortium, toCsv, runSimulation } from '@syndicate/examples';
import { decodeFloat32, type TrainingPlanInput } from '@syndicate/protocol';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';

const plan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

/**
 * A coordinator and three agents as separate processes over real gRPC: the
 * published global model must be exactly the sample-weighted mean of what the
 * agents sent, recomputed here from the agents' own copies.
 */
describe(`federated round end to end (${testDatabaseKind()})`, () => {
  it('publishes the sample-weighted mean of the agents’ local results after 2 rounds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-e2e-'));
    const { banks } = generateConsortium({ seed: 11, scale: 0.1 });
    const chosen = banks.slice(0, 3);
    const data = chosen.map((b) => {
      const csv = path.join(dir, `${b.name}.csv`);
      fs.writeFileSync(csv, toCsv(b.rows));
      return { name: b.name, csv };
    });
    const planPath = path.join(dir, 'plan.json');
    fs.writeFileSync(planPath, JSON.stringify({ ...plan, rounds: { ...plan.rounds, minParticipants: 3 } }));
    const outFile = path.join(dir, 'results.json');

    // Scraped while the run is live: after round 1, agents still connected.
    let monitor: AdminClient | undefined;
    let scraped: Promise<string> | undefined;
    const result = await runSimulation(
      {
        planPath,
        banks: data,
        rounds: 2,
        outFile,
        workDir: path.join(dir, 'work'),
        databaseUrl: await freshDatabaseUrl('e2e-round'),
        keepUpdates: true,
        deadlineSeconds: 120,
      },
      (e) => {
        if (e.type === 'coordinator-ready') monitor = new AdminClient(e.baseUrl, { ca: fs.readFileSync(e.caCert) });
        if (e.type === 'round-finished' && e.result.number === 1) scraped = monitor!.metrics();
      },
    );
    const metrics = await scraped!;
    expect(metrics).toMatch(/^syndicate_participants_connected 3$/m);
    expect(metrics).toMatch(/^syndicate_round_transitions_total\{state="published"\} 1$/m);
    expect(metrics).toMatch(/^syndicate_rounds\{state="published"\} 1$/m);
    expect(metrics).toMatch(/^syndicate_updates_accepted_total\{kind="model"\} [3-6]$/m);
    expect(metrics).toMatch(/^syndicate_received_bytes_total\{kind="model"\} \d+$/m);

    expect(result.rounds.map((r) => r.state)).toEqual(['published', 'published']);
    for (const r of result.rounds) expect([...r.contributors].sort()).toEqual(chosen.map((b) => b.name).sort());
    expect(Object.keys(result.rounds[1].banks).sort()).toEqual(chosen.map((b) => b.name).sort());
    // What simulate hands out is the champion: the round with the best federated validation AUC so far.
    const champion = result.champion!;
    const validationAuc = (n: number) => result.rounds[n - 1].global!.auc;
    expect(result.final?.roundNumber).toBe(champion.roundNumber);
    expect(result.best_round).toBe(validationAuc(2) > validationAuc(1) ? 2 : 1);
    expect(champion.roundNumber).toBe(result.best_round);
    expect(result.validation?.auc).toBe(validationAuc(champion.roundNumber));
    expect(result.test?.auc).toBe(result.rounds[champion.roundNumber - 1].test?.auc);

    // Independent recomputation from each agent's kept copy of what it sent in the champion's round.
    const locals = chosen.map((b) => {
      const base = path.join(dir, 'work', 'agents', b.name, 'updates', `round-${champion.roundNumber}`);
      const meta = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as { numSamples: number; numParams: number };
      return { weights: decodeFloat32(fs.readFileSync(`${base}.f32`), meta.numParams), n: meta.numSamples };
    });
    const total = locals.reduce((s, l) => s + l.n, 0);
    const published = decodeFloat32(fs.readFileSync(result.final!.weightsPath!));
    expect(published.length).toBe(locals[0].weights.length);
    let maxErr = 0;
    for (let i = 0; i < published.length; i++) {
      let expected = 0;
      for (const l of locals) expected += (l.n * l.weights[i]) / total;
      maxErr = Math.max(maxErr, Math.abs(expected - published[i]));
    }
    expect(maxErr).toBeLessThan(1e-6);
    // The agents really trained: local results differ from one another.
    expect(locals[0].weights).not.toEqual(locals[1].weights);

    const written = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    expect(written.rounds).toHaveLength(2);
    expect(written.rounds[1].global.auc).toBeGreaterThan(0.6);
  });
});
