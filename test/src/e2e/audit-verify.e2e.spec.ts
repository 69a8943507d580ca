import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { auditHash, GENESIS_HASH, type AuditEntryView } from '@syndicate/coordinator';
import { auditWitnessPath, witnessAuditHead } from '@syndicate/participant';
import { encodeFloat32, modelLayout, parseTrainingPlan, type TrainingPlanInput } from '@syndicate/protocol';
import { startHarness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { sqlRows } from '../support/sql';
import { TaskInbox } from '../support/task-inbox';

const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');

const plan: TrainingPlanInput = {
  name: 'audited',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
};

function verify(
  databaseUrl: string,
  extra: string[] = [],
): Promise<{
  code: number | null;
  result: { ok: boolean; seq?: number; problem?: string; entries?: number; kind?: string; witnessedSeq?: number };
}> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, 'audit', 'verify', '--json', '--database', databaseUrl, ...extra],
      (_err, stdout) => resolve({ code: child.exitCode, result: JSON.parse(stdout) as { ok: boolean } }),
    );
  });
}

/** Someone with database access edits or deletes an audit row: `syndicate audit verify` names it. */
async function sql(databaseUrl: string, statement: string): Promise<void> {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.exec(statement);
    db.close();
    return;
  }
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(statement);
  await c.end();
}

describe(`audit log verification (${testDatabaseKind()})`, () => {
  it('names an edited row, then a deleted one', async () => {
    const h = await startHarness('audit');
    const f = await h.admin.createFederation(plan);
    const clients = [];
    for (const name of ['bank-a', 'bank-b', 'bank-c', 'bank-d'])
      clients.push((await enrolledClient(h, f.id, name)).client);
    clients.forEach((c) => c.close());
    const log = await h.admin.audit();
    // The second bank's enrollment: a row in the middle of the chain.
    const target = log.filter((e) => e.action === 'participant.enrolled')[1].seq;
    const databaseUrl = h.databaseUrl;
    await h.stop();

    const intact = await verify(databaseUrl);
    expect(intact).toEqual({ code: 0, result: { ok: true, entries: log.length } });

    await sql(databaseUrl, `UPDATE audit_events SET detail = '{"displayName":"mallory"}' WHERE seq = ${target}`);
    expect(await verify(databaseUrl)).toEqual({
      code: 4,
      result: { ok: false, seq: target, problem: `entry ${target} was edited after it was written` },
    });

    await sql(databaseUrl, `DELETE FROM audit_events WHERE seq = ${target}`);
    const deleted = await verify(databaseUrl);
    expect(deleted.code).toBe(4);
    expect(deleted.result).toMatchObject({
      ok: false,
      seq: target,
      problem: expect.stringMatching(new RegExp(`entry ${target} is missing`)),
    });
  });
});

/** Rewrites the log as an insider with database access would: drop one entry, renumber and re-chain the rest. */
async function removeAndRechain(databaseUrl: string, log: AuditEntryView[], seq: number): Promise<void> {
  const kept = log.filter((e) => e.seq !== seq);
  let prev = GENESIS_HASH;
  const rows = kept.map((e, i) => {
    const fields = { ...e, seq: i + 1 };
    const hash = auditHash(prev, fields);
    const row = { ...fields, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  await sqlRows(databaseUrl, 'DELETE FROM audit_events');
  const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);
  for (const r of rows)
    await sqlRows(
      databaseUrl,
      `INSERT INTO audit_events (seq, at, actor, action, "federationId", subject, detail, "prevHash", hash) VALUES (${r.seq}, ${r.at}, ${q(r.actor)}, ${q(r.action)}, ${q(r.federationId)}, ${q(r.subject)}, ${q(r.detail)}, ${q(r.prevHash)}, ${q(r.hash)})`,
    );
}

describe(`witnessed audit heads (${testDatabaseKind()})`, () => {
  it('members witness the head after a round; verify names a cut tail and a re-chained rewrite the chain alone misses', async () => {
    const h = await startHarness('witness');
    const f = await h.admin.createFederation({ ...plan, name: 'witnessed', rounds: { minParticipants: 3 } });
    const numParams = modelLayout(parseTrainingPlan({ ...plan, name: 'witnessed' })).numParams;
    const members = [];
    for (const name of ['bank-a', 'bank-b', 'bank-c']) {
      const m = await enrolledClient(h, f.id, name);
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `witness-${name}-`));
      members.push({ ...m, name, stateDir, inbox: new TaskInbox(m.client) });
    }
    await new Promise((r) => setTimeout(r, 300));
    await h.admin.openRound(f.id, { deadlineSeconds: 60 });
    for (const m of members) {
      const train = await m.inbox.next('TASK_TYPE_TRAIN');
      await m.client.uploadUpdate({
        roundId: train.roundId,
        baseModelVersionId: train.modelVersionId,
        encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
        numParams,
        numSamples: 10,
        payload: encodeFloat32(new Float32Array(numParams).fill(0.5)),
      });
    }
    // Each member runs the agent's own witness step: check, sign, keep a copy, send.
    let witnessed = 0;
    for (const m of members) {
      const task = await m.inbox.next('TASK_TYPE_WITNESS_AUDIT');
      const record = await witnessAuditHead({ task, identity: m.identity, stateDir: m.stateDir });
      witnessed = record.seq;
    }
    for (const m of members) {
      m.inbox.close();
      m.client.close();
    }
    const log = await h.admin.audit({ limit: 10_000 });
    expect(log.filter((e) => e.action === 'audit.witnessed')).toHaveLength(3);
    const databaseUrl = h.databaseUrl;
    await h.stop();

    // Positive control: the intact log verifies against every witness, and `audit head` prints what to save.
    const intact = await verify(databaseUrl);
    expect(intact).toEqual({ code: 0, result: { ok: true, entries: log.length, witnessedSeq: witnessed } });
    const head = await new Promise<string>((resolve) =>
      execFile(process.execPath, [cli, 'audit', 'head', '--database', databaseUrl], (_e, out) => resolve(out.trim())),
    );
    expect(head).toBe(`${log.length}:${log[log.length - 1].hash}`);

    // Truncation: the last 5 entries deleted. The chain alone still "verifies"; the witnesses do not.
    await sqlRows(databaseUrl, `DELETE FROM audit_events WHERE seq > ${log.length - 5}`);
    const cut = await verify(databaseUrl);
    expect(cut.code).toBe(4);
    expect(cut.result).toMatchObject({
      ok: false,
      kind: 'truncated',
      seq: witnessed,
      problem: expect.stringMatching(
        new RegExp(`^the log ends at ${log.length - 5} but member bank-\\w \\(prt_\\w+\\) witnessed ${witnessed}`),
      ),
    });
    // The auditor's saved head names the cut too.
    const saved = (await verify(databaseUrl, ['--expect-head', head])).result as { problems?: { problem: string }[] };
    expect(saved.problems?.map((p) => p.problem)).toContainEqual(
      `the log ends at ${log.length - 5} but the head you saved witnessed ${log.length}: entries were cut from the end`,
    );
    // An insider who also deletes the stored witnesses is still caught by a member's own file.
    await sqlRows(databaseUrl, 'DELETE FROM audit_witnesses');
    expect((await verify(databaseUrl)).result.ok).toBe(true); // control: nothing else left to catch it
    const bankB = auditWitnessPath(members[1].stateDir);
    const byFile = await verify(databaseUrl, ['--witness-file', bankB]);
    expect(byFile.code).toBe(4);
    expect(byFile.result.problem).toMatch(
      new RegExp(`the log ends at ${log.length - 5} but member prt_\\w+ \\(${bankB}\\) witnessed ${witnessed}`),
    );

    // Rewrite: entry 9 removed and everything after it re-chained and renumbered: the chain is "intact" again.
    await removeAndRechain(databaseUrl, log, 9);
    expect(await verify(databaseUrl)).toEqual({ code: 0, result: { ok: true, entries: log.length - 1 } });
    const rewritten = await verify(databaseUrl, ['--witness-file', bankB]);
    expect(rewritten.code).toBe(4);
    expect(rewritten.result).toMatchObject({
      kind: 'rewritten',
      seq: witnessed,
      problem: expect.stringMatching(
        new RegExp(`^entry ${witnessed}'s hash differs from the head member prt_\\w+ .* signed`),
      ),
    });
  });
});
