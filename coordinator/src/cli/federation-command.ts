import * as fs from 'fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { apiCommand, clientFrom, CliError, EXIT, output, table, when, type ApiOptions } from './api-command';

function readPlan(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(
      EXIT.USAGE,
      `--plan ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  try {
    return file.endsWith('.json') ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (err) {
    throw new CliError(
      EXIT.USAGE,
      `--plan ${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

export function registerFederation(program: Command): void {
  const fed = program
    .command('federation')
    .description('Federations: one training plan, its members, rounds and models.');
  apiCommand(
    fed,
    'create',
    'Create a federation from a training plan (JSON or YAML); every problem in the plan is listed.',
  )
    .requiredOption('--plan <file>', 'training plan')
    .action(async (o: ApiOptions & { plan: string }) => {
      const f = await clientFrom(o).createFederation(readPlan(o.plan));
      output(
        o,
        f,
        (v) =>
          `federation ${v.id} "${v.name}" created (${v.numParams} parameters, plan sha256 ${v.planSha256.slice(0, 12)}…)`,
      );
    });
  apiCommand(fed, 'list', 'List federations.').action(async (o: ApiOptions) => {
    const all = await clientFrom(o).federations();
    output(o, all, (v) =>
      v.length
        ? table(
            ['id', 'name', 'mode', 'parameters', 'key epoch', 'created'],
            v.map((f) => [f.id, f.name, f.plan.aggregation.mode, f.numParams, f.keyEpoch, when(f.createdAt)]),
          )
        : 'no federations yet (create one: syndicate federation create --plan plan.json)',
    );
  });
  apiCommand(fed, 'show', 'Show one federation and its plan.')
    .argument('<id>', 'federation id')
    .action(async (id: string, o: ApiOptions) => {
      const f = await clientFrom(o).federation(id);
      output(
        o,
        f,
        (v) =>
          `${v.id} "${v.name}"\n  aggregation: ${v.plan.aggregation.mode}\n  parameters: ${v.numParams}\n  key epoch: ${v.keyEpoch}\n  plan sha256: ${v.planSha256}\n  created: ${when(v.createdAt)}\n  plan:\n${JSON.stringify(v.plan, null, 2).replace(/^/gm, '    ')}`,
      );
    });
}
