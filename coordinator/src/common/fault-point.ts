import { faultPoints } from '@syndicate/protocol';

/** TEST ONLY: the crash matrix's SIGKILL points (test/src/faults); SYNDICATE_FAULT_KILL_AT=<name>[#k]. */
export const faultPoint = faultPoints('SYNDICATE_FAULT_KILL_AT');
