import * as fs from 'fs';
import { writePrivateFile } from '../common/private-file';
import * as path from 'path';
import { Option, type Command } from 'commander';
import { describeEvaluation } from './round-command';
import type { AdminClient } from '../client/admin-client';
import { apiCommand, clientFrom, CliError, EXIT, output, table, when, type ApiOptions } from './api-command';

/**
 * `champion` (the default) stands for the version chosen on federated validation, `latest` for the
 * newest round's; both need the federation.
 */
async function resolveModelId(client: AdminClient, id: string | undefined, federation?: string): Promise<string> {
  const alias = id ?? 'champion';
  if (alias !== 'latest' && alias !== 'champion') return alias;
  if (!federation)
    throw new CliError(
      EXIT.USAGE,
      `"${alias}" needs the federation it belongs to: pass --federation ID (or give a model version id)`,
    );
  if (alias === 'champion') {
    const champion = (await client.selection(federation)).championModel;
    if (!champion) throw new CliError(EXIT.NOT_FOUND, `federation ${federation} has no published model yet`);
    return champion.id;
  }
  const newest = (await client.models(federation)).at(-1);
  if (!newest) throw new CliError(EXIT.NOT_FOUND, `federation ${federation} has no published model yet`);
  return newest.id;
}

/** Writes every file or none: a failed export must not leave a half-filled directory behind. */
function writeAll(files: [string, Buffer | string][], dir?: string): void {
  const createdDir = dir !== undefined && !fs.existsSync(dir);
  const written: string[] = [];
  try {
    if (dir) fs.mkdirSync(dir, { recursive: true });
    for (const [file, data] of files) {
      writePrivateFile(file, data);
      written.push(file);
    }
  } catch (err) {
    for (const f of written) fs.rmSync(f, { force: true });
    if (createdDir) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('Published global models (one version per round).');
  apiCommand(model, 'list', 'List model versions with their lineage.')
    .requiredOption('--federation <id>', 'federation id')
    .action(async (o: ApiOptions & { federation: string }) => {
      const all = await clientFrom(o).models(o.federation);
      output(o, all, (v) =>
        table(
          ['id', 'round', 'contributors', 'encoding', 'key epoch', 'parameters', 'created'],
          v.map((m) => [
            m.id,
            m.roundNumber,
            m.contributors,
            m.encoding.replace('PAYLOAD_ENCODING_', ''),
            // The epoch the round ran under; a sealed copy re-sealed for a newer epoch says so.
            m.roundKeyEpoch === null || m.roundKeyEpoch === m.keyEpoch || m.keyEpoch === 0
              ? (m.roundKeyEpoch ?? m.keyEpoch)
              : `${m.roundKeyEpoch} (sealed for ${m.keyEpoch})`,
            m.numParams,
            when(m.createdAt),
          ]),
        ),
      );
    });
  apiCommand(
    model,
    'show',
    'Show one model version: lineage (round, contributors, plan hash, key epoch) and the consortium metrics.',
  )
    .argument('[id]', 'model version id, or champion (the default) or latest, with --federation')
    .option('--federation <id>', 'the federation, for champion and latest')
    .action(async (given: string | undefined, o: ApiOptions & { federation?: string }) => {
      const client = clientFrom(o);
      const id = await resolveModelId(client, given, o.federation);
      const [m, evaluation] = await Promise.all([client.model(id), client.evaluation(id).catch(() => null)]);
      output(o, { ...m, evaluation }, (v) =>
        [
          ...Object.entries(m).map(([k, x]) => `${k}: ${k.endsWith('At') ? when(x as number) : String(x)}`),
          `evaluation: ${v.evaluation ? describeEvaluation(v.evaluation) : 'none'}`,
        ].join('\n'),
      );
    });
  apiCommand(
    model,
    'export',
    "Export a model version: tfjs (a directory tf.loadLayersModel reads), json (plain weights), scorecard (logistic regression as points) or f32 (raw weights in the plan's flat layout). Sealed (members-only) models: syndicate-agent model pull.",
  )
    .argument('[id]', 'model version id, or champion (the default) or latest, with --federation')
    .option('--federation <id>', 'the federation, for champion and latest')
    .requiredOption('--out <path>', 'output file (f32, json, scorecard) or directory (tfjs)')
    .addOption(
      new Option('--format <format>', 'export format').choices(['tfjs', 'json', 'scorecard', 'f32']).default('f32'),
    )
    .action(
      async (
        given: string | undefined,
        o: ApiOptions & { out: string; format: 'tfjs' | 'json' | 'scorecard' | 'f32'; federation?: string },
      ) => {
        const client = clientFrom(o);
        const id = await resolveModelId(client, given, o.federation);
        const summary = await client.model(id);
        const remote: Record<string, string> =
          o.format === 'tfjs'
            ? {
                'tfjs/model.json': path.join(o.out, 'model.json'),
                'tfjs/group1-shard1of1.bin': path.join(o.out, 'group1-shard1of1.bin'),
              }
            : o.format === 'json'
              ? { 'weights.json': o.out }
              : o.format === 'scorecard'
                ? { 'scorecard.json': o.out }
                : {};
        // Everything is fetched before anything is written: a refusal (role, sealed model, wrong format) leaves nothing.
        const files: [string, Buffer][] = o.format === 'f32' ? [[o.out, await client.weights(id)]] : [];
        for (const [name, local] of Object.entries(remote)) files.push([local, await client.exportFile(id, name)]);
        const bytes = files.reduce((n, [, d]) => n + d.length, 0);
        const lineage = o.format === 'tfjs' ? path.join(o.out, 'lineage.json') : `${o.out}.lineage.json`;
        writeAll(
          [...files, [lineage, Buffer.from(`${JSON.stringify(summary, null, 2)}\n`)]],
          o.format === 'tfjs' ? o.out : undefined,
        );
        output(
          o,
          { out: o.out, format: o.format, bytes, model: summary },
          (v) =>
            `wrote ${v.format} export of ${summary.id} (round ${summary.roundNumber}, ${summary.numParams} parameters, ${bytes} bytes) to ${v.out}; lineage in ${lineage}`,
        );
      },
    );
  apiCommand(
    model,
    'report',
    "Write the federation's HTML report (learning curves, ROC, KS, calibration, per-round metrics) for a model-risk reviewer.",
  )
    .requiredOption('--federation <id>', 'federation id')
    .requiredOption('--out <file>', 'output HTML file')
    .action(async (o: ApiOptions & { federation: string; out: string }) => {
      const html = await clientFrom(o).report(o.federation);
      fs.writeFileSync(o.out, html);
      output(
        o,
        { out: o.out, bytes: html.length },
        (v) => `wrote the report to ${v.out} (${v.bytes} bytes; one self-contained page, opens offline)`,
      );
    });
  apiCommand(
    model,
    'metrics',
    "Consortium metrics of every evaluated model version (from encrypted histograms; no bank's own figures).",
  )
    .requiredOption('--federation <id>', 'federation id')
    .action(async (o: ApiOptions & { federation: string }) => {
      const all = await clientFrom(o).evaluations(o.federation);
      const f = (x: number | null | undefined) =>
        x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4);
      output(o, all, (v) =>
        table(
          ['round', 'model', 'state', 'banks', 'AUC', 'KS', 'Gini', 'PR AUC', 'Brier', 'PSI'],
          v.map((e) => [
            e.roundNumber,
            e.modelVersionId,
            e.state,
            e.contributors,
            f(e.metrics?.rocAuc),
            f(e.metrics?.ks),
            f(e.metrics?.gini),
            f(e.metrics?.prAuc),
            f(e.metrics?.brier),
            f(e.metrics?.psi),
          ]),
        ),
      );
    });
}
