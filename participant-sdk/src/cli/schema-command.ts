import * as fs from 'fs';
import type { Command } from 'commander';
import { formatPlanText, parseTrainingPlanJson, readPlanFile, type TrainingPlan } from '@syndicate/protocol';
import { loadIdentity } from '../crypto/identity-store';
import { loadCsvDataset } from '../data/csv-dataset';
import { DataValidationError } from '../data/data-errors';
import { compactSchema, inferSchemaFromCsv, TARGET_NAMES, type SchemaInference } from '../data/schema-inference';
import { registerSchemaPropose } from './schema-propose-command';

function summary(file: string, r: SchemaInference): string {
  const lines = [`${file}: ${r.rows} rows; positive rate ${(r.positiveRate * 100).toFixed(1)}%`];
  if (r.badRows.count)
    lines.push(`  ${r.badRows.count} rows left out: wrong number of fields (first: row ${r.badRows.first})`);
  for (const c of r.columns)
    lines.push(`  ${(c.role === 'skipped' ? 'left out' : c.role).padEnd(11)} ${c.name}${c.note ? `: ${c.note}` : ''}`);
  lines.push(
    `  ${r.schema.features.length} features; review the proposal before putting it in a plan (it describes this file only).`,
  );
  return lines.join('\n') + '\n';
}

/** `syndicate-agent schema infer`: propose a plan schema from a bank's CSV, which never leaves the machine. */
export function registerSchemaCommand(program: Command): void {
  const schema = program.command('schema').description("The plan's feature schema, as seen from this bank's data.");
  schema
    .command('infer')
    .description(
      "Read a CSV (streamed) and propose a schema from this file alone: numeric or categorical per column, vocabularies by frequency, missing-value policies, the target and its label mapping. For the consortium's schema use `schema propose`.",
    )
    .argument('<data.csv>', 'CSV with a header row')
    .option('--target <name>', `target column (default: the first of ${TARGET_NAMES.join(', ')})`)
    .option(
      '--positive <values>',
      'comma-separated label values that mean 1 (e.g. bad,yes,1); default: the target holds 0/1',
    )
    .option('--exclude <columns>', 'comma-separated columns to leave out (ids, dates, leaky fields)')
    .option('--max-categories <n>', 'most distinct values a text column may have to become categorical', '50')
    .option('--federated', "propose standardize: federated (consortium mean/std) instead of this file's center/scale")
    .option('--json', 'print JSON instead of YAML')
    .option('--out <file>', 'write the schema here instead of stdout (.json implies --json)')
    .action(
      async (
        file: string,
        o: {
          target?: string;
          positive?: string;
          exclude?: string;
          maxCategories: string;
          federated?: boolean;
          json?: boolean;
          out?: string;
        },
      ) => {
        const maxCategories = Number(o.maxCategories);
        if (!Number.isInteger(maxCategories) || maxCategories < 2 || maxCategories > 1000)
          throw new Error(`--max-categories must be an integer from 2 to 1000, got ${o.maxCategories}`);
        const list = (v?: string) =>
          v
            ?.split(',')
            .map((x) => x.trim())
            .filter(Boolean);
        const r = await inferSchemaFromCsv(file, {
          target: o.target,
          maxCategories,
          federated: o.federated,
          positive: list(o.positive),
          exclude: list(o.exclude),
        });
        const text = formatPlanText(
          compactSchema(r.schema),
          o.json || o.out?.toLowerCase().endsWith('.json') ? 'json' : 'yaml',
        );
        if (o.out) fs.writeFileSync(o.out, text);
        else process.stdout.write(text);
        process.stderr.write(summary(file, r) + (o.out ? `schema written to ${o.out}\n` : ''));
      },
    );
  schema
    .command('check')
    .description(
      "Validate a CSV against a plan's schema, streaming it, and list every problem (row N, column C). Exit 0 if it matches, 2 if not. Nothing is sent.",
    )
    .option('--plan <file>', 'training plan (JSON or YAML)')
    .option('--state-dir <dir>', "an enrolled agent's state directory: check against the plan it enrolled under")
    .argument('<data.csv>', 'CSV with a header row')
    .action(async (file: string, o: { plan?: string; stateDir?: string }) => {
      const plan = planFor(o);
      try {
        const ds = await loadCsvDataset(file, plan.schema);
        process.stdout.write(
          `${file}: ${ds.rows} rows match the schema of plan ${plan.name} (${ds.inputDim} input columns)\n`,
        );
      } catch (err) {
        if (!(err instanceof DataValidationError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 2;
      }
    });
  registerSchemaPropose(schema);
}

/** The plan from --plan, or the one stored at enrollment: a bank has no API token to fetch it. */
function planFor(o: { plan?: string; stateDir?: string }): TrainingPlan {
  if (o.plan) return readPlanFile(o.plan);
  const stateDir = o.stateDir ?? '.syndicate-agent';
  const identity = loadIdentity(stateDir);
  if (!identity)
    throw new Error(
      `${stateDir} holds no enrollment: pass --state-dir DIR of an enrolled agent, or --plan FILE with the training plan`,
    );
  return parseTrainingPlanJson(identity.planJson);
}
