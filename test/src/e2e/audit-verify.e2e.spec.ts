import { execFile } from 'child_process';
import { Client } from 'pg';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { startHarness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';

const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');

const plan: TrainingPlanInput = {
  name: 'audited',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
};

function verify(
  databaseUrl: string,
): Promise<{ code: number | null; result: { ok: boolean; seq?: number; problem?: string; entries?: number } }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, 'audit', 'verify', '--json', '--database', databaseUrl],
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
