import { faultPoints } from '@syndicate/protocol';

/** TEST ONLY: an agent's drop points (test/src/e2e/masked-dropout); SYNDICATE_AGENT_FAULT_KILL_AT=<name>[#k]. */
export const faultPoint = faultPoints('SYNDICATE_AGENT_FAULT_KILL_AT');
