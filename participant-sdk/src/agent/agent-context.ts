import type { SecureAggregationSpec } from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import type { KeyRing } from '../crypto/key-ring';
import type { MemberTrust } from '../trust/member-trust';
import type { CoordinatorClient } from './coordinator-client';
import type { MemberData } from './member-data';
import type { RoundMemory } from './round-memory';
import type { SecureSums } from './secure-sums';

/** Where this bank keeps what never leaves it. */
export interface AgentFiles {
  /** Keep a copy of each local result sent (plaintext stays on-prem). */
  keepUpdatesDir?: string;
  /** The agent's state directory: this bank's own evaluation results are kept here, never sent. */
  stateDir?: string;
  /** The bank's CSV, re-encoded once the consortium's feature moments are known. */
  dataFile?: string;
}

/** What every task executor may use; built once per agent. */
export interface AgentContext {
  readonly identity: AgentIdentity;
  readonly client: CoordinatorClient;
  /** Signs this member's parts of a sum and checks every sum before it is decrypted. */
  readonly sums: SecureSums;
  readonly keys: KeyRing;
  /** This bank's verdict on every member, from its own pins and endorsements. */
  readonly trust: MemberTrust;
  readonly logger: Logger;
  /** The plan's secure-aggregation encoding (quantization, clip), fixed for the agent's life. */
  readonly spec: SecureAggregationSpec;
  /** Model weights in the plan's layout. */
  readonly numParams: number;
  /** Floats in a model version's payload: the weights, plus m and v for fedadam/fedyogi. */
  readonly payloadFloats: number;
  readonly data: MemberData;
  readonly memory: RoundMemory;
  readonly files: AgentFiles;
}
