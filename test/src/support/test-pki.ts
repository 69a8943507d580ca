import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeDevPki, writeDevPki } from '@syndicate/coordinator';

export interface TestPki {
  dir: string;
  caCert: string;
  coordinatorCert: string;
  coordinatorKey: string;
  /** A client certificate for mutual-TLS tests. */
  agentCert: string;
  agentKey: string;
  /** Another bank's client certificate from the same CA: must not speak for the first. */
  otherAgentCert: string;
  otherAgentKey: string;
}

let pki: Promise<TestPki> | undefined;

/** One development CA per test process: every test talks TLS, as production does. */
export function testPki(): Promise<TestPki> {
  pki ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-pki-'));
    const files = writeDevPki(
      dir,
      await makeDevPki({ hosts: ['localhost', '127.0.0.1'], agents: ['test-agent', 'other-agent'], days: 2 }),
    );
    return {
      dir,
      caCert: files.caCert,
      coordinatorCert: files.coordinatorCert,
      coordinatorKey: files.coordinatorKey,
      agentCert: files.agents['test-agent'].cert,
      agentKey: files.agents['test-agent'].key,
      otherAgentCert: files.agents['other-agent'].cert,
      otherAgentKey: files.agents['other-agent'].key,
    };
  })();
  return pki;
}
