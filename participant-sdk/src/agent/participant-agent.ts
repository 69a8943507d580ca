import { modelLayout, modelPayloadFloats, parseTrainingPlanJson, planSecureSpec } from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import { KeyRing } from '../crypto/key-ring';
import { agentTrust, policySource } from '../trust/agent-trust';
import { SecureSums } from './secure-sums';
import { MaskMemory } from '../masking/mask-memory';
import { MemberMasking } from '../masking/member-masking';
import type { TrustPolicy } from '../trust/trust-policy';
import type { Dataset } from '../data/csv-dataset';
import type { AgentContext } from './agent-context';
import { CoordinatorClient } from './coordinator-client';
import { TASK_EXECUTORS } from './executors/task-executors';
import { handleNotice } from './federation-notice';
import { MemberData } from './member-data';
import { RoundMemory } from './round-memory';
import { TaskDispatcher } from './task-dispatcher';
import { TaskStream } from './task-stream';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  identity: AgentIdentity;
  train: Dataset;
  holdout: Dataset;
  logger: Logger;
  /** Keep a copy of each local result sent (plaintext stays on-prem). */
  keepUpdatesDir?: string;
  /** Where the liveness file goes (the state directory). */
  healthDir?: string;
  /** The agent's state directory: this bank's own evaluation results are kept here, never sent. */
  stateDir?: string;
  /**
   * The bank's CSV: plans with federated standardisation compute this member's
   * feature moments from it and re-encode the data once the consortium's are known.
   */
  dataFile?: string;
  /** Whom this bank trusts; by default `<stateDir>/trust.json` (no state directory: nobody but itself). */
  trustPolicy?: () => TrustPolicy;
}

/** How long stop() lets a running task finish before the agent lets go of it. */
const STOP_GRACE_MS = 3000;

/**
 * The bank-side daemon: holds one outbound stream open and runs tasks one at a
 * time, each through the executor for its kind.
 */
export class ParticipantAgent {
  private readonly ctx: AgentContext;
  private readonly tasks: TaskDispatcher;
  private readonly stream: TaskStream;
  private stopResolve?: () => void;
  private fatal?: Error;

  constructor(opts: AgentOptions) {
    const plan = parseTrainingPlanJson(opts.identity.planJson);
    const client = new CoordinatorClient(opts.identity);
    const policy = opts.trustPolicy ?? policySource(opts.stateDir);
    const trust = agentTrust(opts.identity, client, policy);
    const keys = new KeyRing(opts.identity, client, trust);
    const mask = plan.aggregation.secure.masking;
    const masking = mask.enabled
      ? new MemberMasking(opts.identity, client, trust, mask, MaskMemory.inStateDir(opts.stateDir))
      : null;
    this.ctx = {
      identity: opts.identity,
      client,
      trust,
      keys,
      sums: new SecureSums(
        opts.identity,
        client,
        keys,
        trust,
        () => policy().minContributors,
        masking,
        () => policy().checkSumDigest !== false,
      ),
      logger: opts.logger,
      spec: planSecureSpec(plan),
      numParams: modelLayout(plan).numParams,
      payloadFloats: modelPayloadFloats(plan),
      data: new MemberData(plan, opts.train, opts.holdout),
      memory: new RoundMemory(opts.stateDir),
      files: { keepUpdatesDir: opts.keepUpdatesDir, stateDir: opts.stateDir, dataFile: opts.dataFile },
    };
    this.tasks = new TaskDispatcher(TASK_EXECUTORS, this.ctx);
    this.stream = new TaskStream(
      client,
      AGENT_VERSION,
      opts.logger,
      {
        task: (task) => this.tasks.offer(task),
        notice: (notice) => handleNotice(notice, this.tasks, opts.logger),
        fatal: (err) => {
          this.fatal = err;
          this.stop();
        },
      },
      { healthDir: opts.healthDir },
    );
  }

  /** Resolves when stop() is called; rejects on a refusal retrying cannot fix. */
  async run(): Promise<void> {
    const finished = new Promise<void>((resolve) => (this.stopResolve = resolve));
    this.stream.start();
    await finished;
    // A task still running gets a moment to finish; past that it is abandoned and the round counts this
    // member as dropped out (masking tolerates it), so a stop never waits for a phase deadline.
    await Promise.race([this.tasks.idle(), new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
    this.ctx.client.close();
    this.ctx.keys.dispose();
    if (this.fatal) throw this.fatal;
  }

  stop(): void {
    this.tasks.stop();
    this.stream.stop();
    this.stopResolve?.();
  }
}
