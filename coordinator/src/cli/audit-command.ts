import * as fs from 'fs';
import type { Command } from 'commander';
import { loadCoordinatorConfig } from '../config/coordinator-config';
import { verifyAuditChain } from '../audit/audit-chain';
import type { AuditEvent } from '../audit/audit-event.entity';

/** Reads the audit log straight from the database: an auditor needs no running coordinator. */
async function withAuditLog<T>(databaseUrl: string | undefined, work: (events: AuditEvent[]) => T): Promise<T> {
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
    return work(events);
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
      'Check every entry chains to the previous one; name the first that was edited, removed or reordered (exit 4).',
    )
    .option('--database <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL)')
    .option('--json', 'machine-readable result')
    .action(async (o: { database?: string; json?: boolean }) => {
      const result = await withAuditLog(o.database, (events) => ({
        entries: events.length,
        broken: verifyAuditChain(events),
      }));
      if (o.json)
        process.stdout.write(
          `${JSON.stringify(result.broken ? { ok: false, ...result.broken } : { ok: true, entries: result.entries })}\n`,
        );
      else if (result.broken)
        process.stdout.write(`audit log BROKEN at entry ${result.broken.seq}: ${result.broken.problem}\n`);
      else process.stdout.write(`audit log intact: ${result.entries} entries\n`);
      if (result.broken) process.exitCode = 4;
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
