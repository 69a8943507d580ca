import { loadIdentity, pinMember } from '@syndicate/participant';
import { identityFingerprint } from '@syndicate/protocol';

export interface EnrolledBank {
  name: string;
  stateDir: string;
}

/** A bank's fingerprint, as its operator reads it (`syndicate-agent identity show`). */
export function bankFingerprint(bank: EnrolledBank): string {
  const id = loadIdentity(bank.stateDir);
  if (!id) throw new Error(`${bank.stateDir} holds no enrollment yet: pin after the agent has enrolled`);
  return identityFingerprint(id.signingPublicKey);
}

/**
 * What the banks' operators do once every agent has enrolled: exchange fingerprints out of band and
 * pin each other (`syndicate-agent members pin NAME FINGERPRINT`), so no agent relies on the
 * coordinator's member list. Returns each bank's fingerprint.
 */
export function pinEachOther(banks: EnrolledBank[]): Record<string, string> {
  const fingerprints = Object.fromEntries(banks.map((b) => [b.name, bankFingerprint(b)]));
  for (const bank of banks) {
    for (const other of banks)
      if (other.name !== bank.name) pinMember(bank.stateDir, other.name, fingerprints[other.name]);
  }
  return fingerprints;
}
