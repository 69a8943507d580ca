import * as fs from 'fs';
import type { Command } from 'commander';
import { apiCommand, clientFrom, output, table, when, type ApiOptions } from './api-command';

export function registerModel(program: Command): void {
  const model = program.command('model').description('Published global models (one version per round).');
  apiCommand(model, 'list', 'List model versions with their lineage.')
    .requiredOption('--federation <id>', 'federation id')
    .action(async (o: ApiOptions & { federation: string }) => {
      const all = await clientFrom(o).models(o.federation);
      output(o, all, (v) => table(['id', 'round', 'contributors', 'encoding', 'key epoch', 'parameters', 'created'], v.map((m) => [m.id, m.roundNumber, m.contributors, m.encoding.replace('PAYLOAD_ENCODING_', ''), m.keyEpoch, m.numParams, when(m.createdAt)])));
    });
  apiCommand(model, 'show', 'Show one model version.')
    .argument('<id>', 'model version id')
    .action(async (id: string, o: ApiOptions) => {
      const m = await clientFrom(o).model(id);
      output(o, m, (v) => Object.entries(v).map(([k, x]) => `${k}: ${k.endsWith('At') ? when(x as number) : String(x)}`).join('\n'));
    });
  apiCommand(model, 'export', 'Download a model version\'s weights (little-endian float32, the plan\'s flat layout). Sealed (members-only) models: syndicate-agent model pull.')
    .argument('<id>', 'model version id')
    .requiredOption('--out <file>', 'output file')
    .action(async (id: string, o: ApiOptions & { out: string }) => {
      const client = clientFrom(o);
      const [summary, data] = await Promise.all([client.model(id), client.weights(id)]);
      fs.writeFileSync(o.out, data);
      fs.writeFileSync(`${o.out}.json`, `${JSON.stringify(summary, null, 2)}\n`);
      output(o, { out: o.out, bytes: data.length, model: summary }, (v) => `wrote ${v.bytes} bytes (${summary.numParams} float32 weights) to ${v.out}, lineage in ${v.out}.json`);
    });
}
