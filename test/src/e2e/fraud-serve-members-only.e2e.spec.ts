import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import pino from 'pino';
import { writeFraudConsortium } from '@syndicate/examples';
import { enrollAgent, startServe, type RunningServe } from '@syndicate/participant';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { pinAgents, startAgentProcess, waitFor } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { FRAUD_PLAN_FILE } from '../support/fraud-fixture';

const logger = pino({ level: 'silent' });

/**
 * A members-only fraud model: `serve` on a member loads it by pulling it and
 * opening the seal with the member's epoch key; an enrolled bank that holds no
 * key for that epoch cannot serve it, and the coordinator never could.
 */
describe(`serve loads a members-only champion only where it can be decrypted (${testDatabaseKind()})`, () => {
  let h: Harness;
  let running: RunningServe | undefined;
  const agents: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    await running?.close();
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  it('a member serves the decrypted model; a bank without the epoch key is refused before listening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-fraud-members-'));
    const banks = (await writeFraudConsortium(path.join(dir, 'data'), { seed: 3, scale: 0.03 })).slice(0, 3);
    h = await startHarness('fraud-members-only');
    const base = JSON.parse(fs.readFileSync(FRAUD_PLAN_FILE, 'utf8')) as TrainingPlanInput;
    const f = await h.admin.createFederation({
      ...base,
      name: 'fraud-members-only',
      training: { ...base.training, epochs: 1 },
      rounds: { ...base.rounds, minParticipants: 3, deadlineSeconds: 120 },
      aggregation: { mode: 'secure', secure: { clip: 1, releasePolicy: 'members-only' } },
    });
    const started = [];
    for (const b of banks) started.push(await startAgentProcess(h, f.id, b.name, b.path, dir));
    agents.push(...started);
    await waitFor(
      '3 agents connected',
      async () => (await h.admin.participants(f.id)).filter((p) => p.connected).length >= 3,
    );
    // Banks pin each other before the first key epoch (no epoch is dealt to fewer than three trusted members).
    await pinAgents(started);
    const round = (await h.admin.openRound(f.id)).id;
    await waitFor('round published', async () => {
      const r = await h.admin.round(round);
      if (r.state === 'failed') throw new Error(`round failed: ${r.failureReason}`);
      return r.state === 'published';
    });
    const [model] = (await h.admin.models(f.id)).filter((m) => m.roundNumber === 1);
    expect(model.encoding).toBe('PAYLOAD_ENCODING_SEALED_FLOAT32');

    const member = path.join(dir, 'agents', banks[0].name);
    running = await startServe({
      champion: { kind: 'coordinator', stateDir: member, transport: h.transport },
      threshold: 0.5,
      port: 0,
      logger,
    });
    expect(running.service.models.champion).toBe(model.id);
    const res = await fetch(`${running.url}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        card_id: 'c-1',
        ts: 1_767_600_000,
        amount: 12,
        merchant_id: 'm-1',
        mcc: 'fuel',
        region: 'north',
        channel: 'pos',
      }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { score: number; model: string };
    expect(answer.model).toBe(model.id);
    expect(answer.score).toBeGreaterThanOrEqual(0);

    // Enrolled after the round's key epoch was dealt: no sealed share for it, so nothing to open the model with.
    const outsider = path.join(dir, 'agents', 'outsider');
    const invitation = await h.admin.invite(f.id, 'outsider');
    await enrollAgent({
      coordinator: h.grpcAddress,
      token: invitation.token,
      stateDir: outsider,
      transport: h.transport,
    });
    await expect(
      startServe({
        champion: { kind: 'coordinator', stateDir: outsider, transport: h.transport },
        threshold: 0.5,
        port: 0,
        logger,
      }),
    ).rejects.toThrow(/holds no share of key epoch/);
  });
});
