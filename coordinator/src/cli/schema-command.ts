import type { Command } from 'commander';
import type { SchemaCollectionView } from '../schema-collection/schema-collection-view';
import { apiCommand, clientFrom, CliError, EXIT, output, parsePositiveInt, when, type ApiOptions } from './api-command';

const describe = (c: SchemaCollectionView): string =>
  `schema collection ${c.id}: ${c.state}; key epoch ${c.keyEpoch}, k = ${c.minCategoryCount}; ` +
  `${c.namesReceived}/${c.members} members sent their columns, ${c.talliesReceived}/${c.members} their encrypted tallies; ` +
  `started ${when(c.createdAt)}${c.closedAt ? `, closed ${when(c.closedAt)}` : ''}` +
  (c.state === 'names' || c.state === 'tallies'
    ? '\n  each bank runs: syndicate-agent schema propose --data <its.csv> --out schema.yaml'
    : '');

/** `syndicate schema collect|status`: the admin starts and follows a consortium schema collection. */
export function registerSchema(program: Command): void {
  const schema = program
    .command('schema')
    .description("The consortium's plan schema, proposed by the banks from securely summed column tallies.");
  apiCommand(
    schema,
    'collect',
    'Start a schema collection: every member of the current key epoch then runs `syndicate-agent schema propose`.',
  )
    .requiredOption('--federation <id>', 'federation id')
    .option(
      '--min-count <k>',
      'categories seen fewer times consortium-wide go to __other__ (their names never enter the plan)',
      parsePositiveInt('--min-count'),
      10,
    )
    .option('--replace', 'abandon a collection still in progress (a bank dropped out) and start afresh')
    .action(async (o: ApiOptions & { federation: string; minCount: number; replace?: boolean }) => {
      const c = await clientFrom(o).call<SchemaCollectionView>(
        'POST',
        `/v1/federations/${encodeURIComponent(o.federation)}/schema-collections`,
        { minCategoryCount: o.minCount, replace: o.replace ?? false },
      );
      output(o, c, describe);
    });
  apiCommand(schema, 'status', "Follow a schema collection (the federation's latest unless --collection).")
    .requiredOption('--federation <id>', 'federation id')
    .option('--collection <id>', 'schema collection id')
    .action(async (o: ApiOptions & { federation: string; collection?: string }) => {
      const base = `/v1/federations/${encodeURIComponent(o.federation)}/schema-collections`;
      const client = clientFrom(o);
      const c = o.collection
        ? await client.call<SchemaCollectionView>('GET', `${base}/${encodeURIComponent(o.collection)}`)
        : (await client.call<SchemaCollectionView[]>('GET', base))[0];
      if (!c)
        throw new CliError(
          EXIT.NOT_FOUND,
          `federation ${o.federation} has no schema collection; start one: syndicate schema collect`,
        );
      output(o, c, describe);
    });
}
