import type { AgentIdentity } from '../crypto/identity-store';
import { MemberTrust, type MemberDirectorySource } from './member-trust';
import { trustPolicySchema, type TrustPolicy } from './trust-policy';
import { loadTrustPolicy } from './trust-store';

/**
 * The trust policy an agent follows: its state directory's `trust.json`, read afresh at every check so
 * a pin or endorsement counts from the next key epoch without a restart. No state directory: nobody but itself.
 */
export function policySource(stateDir?: string): () => TrustPolicy {
  return stateDir ? () => loadTrustPolicy(stateDir) : () => trustPolicySchema.parse({});
}

/** This bank's MemberTrust, over the coordinator's directory (whose word decides nothing). */
export function agentTrust(
  identity: AgentIdentity,
  source: MemberDirectorySource,
  policy: () => TrustPolicy,
): MemberTrust {
  const self = {
    participantId: identity.participantId,
    displayName: 'this bank',
    signPublicKey: identity.signingPublicKey,
  };
  return new MemberTrust(identity.federationId, self, policy, source);
}
