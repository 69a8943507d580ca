import {
  agentTrust,
  MaskMemory,
  MemberMasking,
  type AgentIdentity,
  type CoordinatorClient,
} from '@syndicate/participant';
import {
  identityFingerprint,
  type ContributionKind,
  type HeKeyHolder,
  type MaskingSettings,
  type MaskSession,
} from '@syndicate/protocol';

type Policy = ReturnType<Parameters<typeof agentTrust>[2]>;

/** How long a light member waits on its peers in a masked sum (the agent uses its task's deadline). */
const WAIT_MS = 90_000;

/**
 * A light member's side of pairwise masking: the participant SDK's own MemberMasking (adverts, share
 * dealing, survivor signatures, reveals, mask removal) and its own trust checks, with every peer
 * pinned by fingerprint as the banks' operators would. Only the task loop is the test's.
 * `client` is read at every call, so a test that reconnects a member after a coordinator restart
 * keeps the member's masking secrets and what it signed and revealed.
 */
export class LightMasking {
  private readonly masking: MemberMasking;

  constructor(
    private readonly identity: AgentIdentity,
    client: () => CoordinatorClient,
    peers: readonly AgentIdentity[],
    settings: MaskingSettings,
  ) {
    const via = {
      mask: (c: Parameters<CoordinatorClient['mask']>[0]) => client().mask(c),
      reportRefusal: (...a: Parameters<CoordinatorClient['reportRefusal']>) => client().reportRefusal(...a),
      listMembers: () => client().listMembers(),
    };
    const policy: Policy = {
      pinned: peers
        .filter((p) => p.participantId !== identity.participantId)
        .map((p) => ({ name: p.participantId, fingerprint: identityFingerprint(p.signingPublicKey) })),
      endorsementsRequired: 0,
      minContributors: 3,
    };
    const trust = agentTrust(identity, via, () => policy);
    this.masking = new MemberMasking(identity, via, trust, settings, new MaskMemory());
  }

  session(at: { roundId: string; keyEpoch: number }, kind: ContributionKind): MaskSession {
    return { federationId: this.identity.federationId, roundId: at.roundId, keyEpoch: at.keyEpoch, kind };
  }

  /** Advertises this member's mask keys and deals its shares for the sum (once; again is a no-op). */
  prepare(at: { roundId: string; keyEpoch: number }, kind: ContributionKind): Promise<void> {
    return this.masking.prepare(this.session(at, kind));
  }

  /** Waits for the adverts to close, then masks and encrypts `fields` for the sum. */
  seal(
    at: { roundId: string; keyEpoch: number },
    kind: ContributionKind,
    holder: HeKeyHolder,
    fields: ArrayLike<number>,
  ): Promise<Buffer> {
    return this.masking.seal(this.session(at, kind), holder, fields, Date.now() + WAIT_MS);
  }

  /** Signs the survivor set, reveals its shares and returns the sum without masks (every survivor must open at once). */
  open(
    at: { roundId: string; keyEpoch: number },
    kind: ContributionKind,
    holder: HeKeyHolder,
    payload: Uint8Array,
    contributed = true,
  ): Promise<Float64Array> {
    return this.masking.open(this.session(at, kind), holder, payload, contributed, Date.now() + WAIT_MS);
  }
}

/** Gives each of `members` its LightMasking, every other member pinned (as the banks' operators would). */
export function maskAll(
  members: { identity: AgentIdentity; client: CoordinatorClient; masking?: LightMasking }[],
  settings: MaskingSettings,
): void {
  for (const m of members)
    m.masking = new LightMasking(
      m.identity,
      () => m.client,
      members.map((x) => x.identity),
      settings,
    );
}
