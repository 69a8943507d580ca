import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEMO_BANKS, generateConsortium, toCsv } from '@syndicate/examples';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { pinAgents, startAgentProcess, waitFor, type AgentProcess } from './agent-process';
import type { Harness } from './coordinator-harness';

const creditPlan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

export interface AgentConsortium {
  federationId: string;
  /** Each bank's data file, in the order its agent was started. */
  csv: { name: string; file: string }[];
  dir: string;
  /** Resolves once at least `n` agents hold a task stream open. */
  connected(n: number): Promise<unknown>;
  /** The round once it published or failed. */
  finished(roundId: string): ReturnType<Harness['admin']['round']>;
}

/**
 * A secure credit-risk federation run by real agent processes (one per demo bank), whose operators have
 * pinned each other's fingerprints as the README says; `agents` receives each process for the caller to stop.
 */
export async function agentConsortium(
  h: Harness,
  o: {
    name: string;
    seed: number;
    banks: number;
    agents: AgentProcess[];
    deadlineSeconds?: number;
    /** Pairwise masking in the plan (aggregation.secure.masking.enabled). */
    masked?: boolean;
    /** aggregation.secure.clip (default 4); smaller makes the codec's error bound tighter. */
    clip?: number;
    /** Agents keep each local result they send (under their state directory's `updates/`). */
    keepUpdates?: boolean;
    /** Extra environment of the i-th bank's agent. */
    env?: (bank: number) => Record<string, string> | undefined;
  },
): Promise<AgentConsortium> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `syndicate-${o.name}-`));
  // Past the demo's banks, more regional banks like them (a fifth for a five-member round).
  const profiles = Array.from({ length: Math.max(o.banks, DEMO_BANKS.length) }, (_, i) =>
    i < DEMO_BANKS.length ? DEMO_BANKS[i] : { ...DEMO_BANKS[i % DEMO_BANKS.length], name: `region${i + 1}` },
  );
  const csv = generateConsortium({ seed: o.seed, scale: 0.05, banks: profiles })
    .banks.slice(0, o.banks)
    .map((b) => {
      const file = path.join(dir, `${b.name}.csv`);
      fs.writeFileSync(file, toCsv(b.rows));
      return { name: b.name, file };
    });
  const f = await h.admin.createFederation({
    ...creditPlan,
    name: o.name,
    rounds: { ...creditPlan.rounds, minParticipants: 3, deadlineSeconds: o.deadlineSeconds ?? 60 },
    aggregation: {
      mode: 'secure',
      secure: { clip: o.clip ?? 4, releasePolicy: 'publish', masking: { enabled: o.masked ?? false } },
    },
  });
  for (const [i, b] of csv.entries())
    o.agents.push(
      await startAgentProcess(h, f.id, b.name, b.file, dir, { keepUpdates: o.keepUpdates, env: o.env?.(i) }),
    );
  const connected = (n: number) =>
    waitFor(
      `${n} agents connected`,
      async () => (await h.admin.participants(f.id)).filter((p) => p.connected).length >= n,
    );
  await connected(o.banks);
  await pinAgents(o.agents);
  const finished = (roundId: string) =>
    waitFor(`round ${roundId} over`, async () => {
      const r = await h.admin.round(roundId);
      return ['published', 'failed'].includes(r.state) && r;
    }) as ReturnType<Harness['admin']['round']>;
  return { federationId: f.id, csv, dir, connected, finished };
}
