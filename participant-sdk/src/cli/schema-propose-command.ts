import * as fs from 'fs';
import type { Command } from 'commander';
import { formatPlanText, parseTrainingPlanJson } from '@syndicate/protocol';
import { CoordinatorClient } from '../agent/coordinator-client';
import { SchemaCollectionClient } from '../agent/schema-collection-client';
import { proposeConsortiumSchema, type Proposal } from '../agent/schema-proposal';
import { KeyRing } from '../crypto/key-ring';
import { loadIdentity } from '../crypto/identity-store';
import { compactSchema } from '../data/schema-inference';
import { MemberTrust } from '../trust/member-trust';
import { loadTrustPolicy } from '../trust/trust-store';

const list = (v?: string) =>
  v
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function summary(p: Proposal): string {
  const lines = [
    `schema collection ${p.collectionId}: ${p.contributors} banks, ${p.consortiumRows} rows consortium-wide (no bank's own figures are shown)`,
  ];
  for (const c of p.columns)
    lines.push(`  ${(c.role === 'skipped' ? 'left out' : c.role).padEnd(11)} ${c.name}${c.note ? `: ${c.note}` : ''}`);
  lines.push(`  ${p.schema.features.length} features proposed for the consortium plan.`);
  return lines.join('\n') + '\n';
}

/** `syndicate-agent schema propose`: this bank's part in the consortium schema collection the admin started. */
export function registerSchemaPropose(schema: Command): void {
  schema
    .command('propose')
    .description(
      "Take part in the consortium's schema collection (the admin starts it: syndicate schema collect) and write the proposed schema. " +
        "The CSV is read here; what leaves is the header, category tags with names sealed to the members, and the column tallies encrypted under the federation's key (the coordinator only adds them).",
    )
    .requiredOption('--data <file.csv>', "this bank's data file (streamed, never sent)")
    .option('--state-dir <dir>', "the enrolled agent's state directory", '.syndicate-agent')
    .option('--target <column>', "the label column (default: the enrolled plan's target)")
    .option(
      '--positive <values>',
      "comma-separated label values that mean 1, e.g. bad,yes,1 (default: the plan's, else 0/1)",
    )
    .option('--exclude <columns>', 'comma-separated columns to leave out (ids, dates, leaky fields)')
    .option('--max-categories <n>', 'most categories a column keeps (the rest go to __other__)', '50')
    .option(
      '--scaling <how>',
      'federated: center/scale computed securely in round 1 (the consortium figures stay out of the plan); consortium: written from this collection',
      'federated',
    )
    .option('--collection <id>', "schema collection id (default: the federation's latest)")
    .option('--timeout <seconds>', 'how long to wait for the other banks', '1800')
    .option('--json', 'print JSON instead of YAML')
    .option('--out <file>', 'write the schema here instead of stdout (.json implies --json)')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const stateDir = String(o.stateDir);
      const identity = loadIdentity(stateDir);
      if (!identity)
        throw new Error(`${stateDir} holds no enrollment: run syndicate-agent enroll first, or pass --state-dir`);
      const maxCategories = Number(o.maxCategories);
      if (!Number.isInteger(maxCategories) || maxCategories < 2 || maxCategories > 1000)
        throw new Error(`--max-categories must be an integer from 2 to 1000, got ${String(o.maxCategories)}`);
      if (o.scaling !== 'federated' && o.scaling !== 'consortium')
        throw new Error(`--scaling must be federated or consortium, got ${String(o.scaling)}`);
      const timeout = Number(o.timeout);
      if (!(timeout > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${String(o.timeout)}`);
      const plan = parseTrainingPlanJson(identity.planJson);
      const positive = list(o.positive as string | undefined) ?? (o.target ? undefined : plan.schema.target.positive);
      const target = {
        name: (o.target as string | undefined) ?? plan.schema.target.name,
        ...(positive ? { positive } : {}),
      };
      const coordinator = new CoordinatorClient(identity);
      const client = new SchemaCollectionClient(identity);
      const self = {
        participantId: identity.participantId,
        displayName: 'this bank',
        signPublicKey: identity.signingPublicKey,
      };
      const trust = new MemberTrust(identity.federationId, self, () => loadTrustPolicy(stateDir), coordinator);
      try {
        const proposal = await proposeConsortiumSchema({
          identity,
          client,
          keys: new KeyRing(identity, coordinator, trust),
          trust,
          minContributors: loadTrustPolicy(stateDir).minContributors,
          plan,
          dataFile: String(o.data),
          merge: { maxCategories, scaling: o.scaling, target, exclude: list(o.exclude as string | undefined) },
          collectionId: o.collection as string | undefined,
          timeoutMs: timeout * 1000,
          progress: (m) => process.stderr.write(`${m}\n`),
        });
        const out = o.out as string | undefined;
        const text = formatPlanText(
          compactSchema(proposal.schema),
          o.json || out?.toLowerCase().endsWith('.json') ? 'json' : 'yaml',
        );
        if (out) fs.writeFileSync(out, text);
        else process.stdout.write(text);
        process.stderr.write(summary(proposal) + (out ? `schema written to ${out}\n` : ''));
      } finally {
        client.close();
        coordinator.close();
      }
    });
}
