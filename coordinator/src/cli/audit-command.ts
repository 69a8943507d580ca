import * as fs from 'fs';
import type { Command } from 'commander';
import { loadCoordinatorConfig } from '../config/coordinator-config';
import type { DataSource } from 'typeorm';
import type { AuditEvent } from '../audit/audit-event.entity';
import { checkWitnessedHeads, type AuditVerdict } from '../audit/audit-witness-check';
import { savedHeads, storedWitnesses, witnessFile } from '../audit/audit-witness-sources';

/** Reads the audit log straight from the database: an auditor needs no running coordinator. */
async function withAuditLog<T>(
  databaseUrl: string | undefined,
  work: (events: AuditEvent[], ds: DataSource) => T | Promise<T>,
): Promise<T> {
  const config = loadCoordinatorConfig({ databaseUrl }, process.env, process.env.SYNDICATE_CONFIG || undefined, false);
  // Loaded here, not at the top: the rest of the CLI starts without the ORM.
  const [{ DataSource }, { dataSourceOptions }, { AuditEvent: AuditEventEntity }] = await Promise.all([
    import('typeorm'),
    import('../database/data-source-options'),
    import('../audit/audit-event.entity'),
  ]);
  const ds = new DataSource({ ...dataSourceOptions(config.databaseUrl), migrationsRun: false });
  await ds.initialize();
  try {
    let events: AuditEvent[];
    try {
      events = await ds.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    } catch (err) {
      if (/no such table|does not exist/.test((err as Error).message)) {
        throw new Error(
          `${config.databaseUrl} has no audit log: not a Syndicate database, or one a current coordinator has not yet migrated (start it once)`,
        );
      }
      throw err;
    }
    return await work(events, ds);
  } finally {
    await ds.destroy();
  }
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('The hash-chained audit log: verify it, or export it for a regulator.');
  audit
    .command('verify')
    .description(
      'Check every entry chains to the previous one and to every head members witnessed (or you saved); name the first entry edited, removed or reordered, a cut tail or a rewrite (exit 4).',
    )
    .option('--database <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL)')
    .option(
      '--expect-head <SEQ:HASH...>',
      'a head you saved earlier (syndicate audit head): the log must still contain it',
    )
    .option('--witness-file <file...>', "a member's audit-witness.jsonl, from its agent state directory")
    .option('--json', 'machine-readable result')
    .action(async (o: { database?: string; json?: boolean; expectHead?: string[]; witnessFile?: string[] }) => {
      const extra = [...savedHeads(o.expectHead ?? []), ...(o.witnessFile ?? []).flatMap(witnessFile)];
      const verdict = await withAuditLog(o.database, async (events, ds) =>
        checkWitnessedHeads(events, [...(await storedWitnesses(ds)), ...extra]),
      );
      if (o.json) process.stdout.write(`${JSON.stringify(verdictJson(verdict))}\n`);
      else if (!verdict.ok)
        for (const p of verdict.problems) process.stdout.write(`audit log BROKEN at entry ${p.seq}: ${p.problem}\n`);
      else
        process.stdout.write(
          `audit log intact: ${verdict.entries} entries${verdict.witnessedSeq ? `, witnessed up to ${verdict.witnessedSeq}` : ''}\n`,
        );
      if (!verdict.ok) process.exitCode = 4;
    });
  audit
    .command('head')
    .description('Print the head of the log as SEQ:HASH: save it, and later pass it to verify --expect-head.')
    .option('--database <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL)')
    .action(async (o: { database?: string }) => {
      const last = await withAuditLog(o.database, (events) => events[events.length - 1]);
      if (!last) throw new Error('the audit log is empty');
      process.stdout.write(`${last.seq}:${last.hash}\n`);
    });
  audit
    .command('export')
    .description('Write the audit log as JSON lines (one entry per line, with its hashes).')
    .requiredOption('--out <file.jsonl>', 'output file, or - for standard output')
    .option('--database <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL)')
    .action(async (o: { database?: string; out: string }) => {
      const lines = await withAuditLog(o.database, (events) =>
        events.map((e) => JSON.stringify({ ...e, detail: JSON.parse(e.detail) as unknown })),
      );
      const text = lines.length ? `${lines.join('\n')}\n` : '';
      if (o.out === '-') process.stdout.write(text);
      else {
        fs.writeFileSync(o.out, text);
        process.stderr.write(`${lines.length} entries written to ${o.out}\n`);
      }
    });
}

/** The first problem in the shape earlier versions printed, the rest (and the witnessed head) beside it. */
export function verdictJson(v: AuditVerdict): Record<string, unknown> {
  if (v.ok) return { ok: true, entries: v.entries, ...(v.witnessedSeq ? { witnessedSeq: v.witnessedSeq } : {}) };
  const [first, ...rest] = v.problems;
  return {
    ok: false,
    seq: first.seq,
    problem: first.problem,
    ...(first.kind !== 'chain' ? { kind: first.kind } : {}),
    ...(rest.length ? { problems: v.problems } : {}),
  };
}
