import { boxKeySignatureValid, identityFingerprint, type Endorsement, type MemberCard } from '@syndicate/protocol';
import { evaluateTrust, type KnownMember, type TrustPolicy, type TrustReason } from './trust-policy';

/** Where the member cards and endorsements come from: the coordinator, whose word decides nothing. */
export interface MemberDirectorySource {
  listMembers(): Promise<{ members: MemberCard[]; endorsements: Endorsement[] }>;
}

export interface MemberRow {
  participantId: string;
  displayName: string;
  fingerprint: string;
  trusted: boolean;
  why: string;
}

const keyHex = (k: Uint8Array) => Buffer.from(k).toString('hex');

/**
 * This bank's view of who is trusted, by signing key: the coordinator's ids and names are labels,
 * so a card naming a trusted member's id with another key is not trusted.
 */
export class MemberTrust {
  private byKey = new Map<string, TrustReason>();
  private cards = new Map<string, MemberCard>();

  constructor(
    private readonly federationId: string,
    private readonly self: KnownMember,
    private readonly policy: () => TrustPolicy,
    private readonly source: MemberDirectorySource,
  ) {}

  async refresh(): Promise<void> {
    const { members, endorsements } = await this.source.listMembers();
    const usable = members.filter(
      (c) => boxKeySignatureValid(c) || keyHex(c.signPublicKey) === keyHex(this.self.signPublicKey),
    );
    // Judged by signing key, never by the coordinator's ids: a directory listing a pinned member's id
    // twice, once with the coordinator's own key, must not lend that key the pinned member's verdict.
    const byKeyLabel = <T extends KnownMember>(m: T): T => ({
      ...m,
      participantId: keyHex(m.signPublicKey),
    });
    const verdicts = evaluateTrust(
      this.policy(),
      byKeyLabel(this.self),
      usable.map(byKeyLabel),
      endorsements,
      this.federationId,
    );
    this.byKey = new Map();
    this.cards = new Map();
    const ids = new Map<string, number>();
    for (const c of usable) ids.set(c.participantId, (ids.get(c.participantId) ?? 0) + 1);
    for (const c of usable) {
      // An id listed under two keys is ambiguous: trustedKey(id) answers for neither.
      if (ids.get(c.participantId) === 1) this.cards.set(c.participantId, c);
      const v = verdicts.get(keyHex(c.signPublicKey));
      if (v) this.byKey.set(keyHex(c.signPublicKey), v);
    }
    this.byKey.set(keyHex(this.self.signPublicKey), { trusted: true, why: 'self', detail: 'this bank' });
  }

  /** Null when this bank trusts the card's key and the card's box key is signed by it; otherwise why not. */
  whyUntrusted(card: MemberCard): string | null {
    const self = keyHex(card.signPublicKey) === keyHex(this.self.signPublicKey);
    if (!self && !boxKeySignatureValid(card)) return 'its box key is not signed by its own signing key';
    const v = this.byKey.get(keyHex(card.signPublicKey));
    if (!v) return `fingerprint ${identityFingerprint(card.signPublicKey)} is not a member this bank knows`;
    return v.trusted ? null : v.why;
  }

  /** The card the directory lists under this id, as of the last refresh. */
  cardOf(participantId: string): MemberCard | undefined {
    return this.cards.get(participantId);
  }

  /** A trusted member's signing key by its id in the directory, for checking its signed contributions. */
  trustedKey(participantId: string): { key: Uint8Array } | { why: string } {
    const card = this.cards.get(participantId);
    if (!card) return { why: 'not a member this bank knows' };
    const why = this.whyUntrusted(card);
    return why ? { why } : { key: card.signPublicKey };
  }

  /** Splits the members a key ceremony names into those this dealer will seal to and those it refuses. */
  async partition(
    members: MemberCard[],
  ): Promise<{ trusted: MemberCard[]; excluded: { card: MemberCard; why: string }[] }> {
    await this.refresh();
    const trusted: MemberCard[] = [];
    const excluded: { card: MemberCard; why: string }[] = [];
    for (const card of members) {
      const why = this.whyUntrusted(card);
      if (why) excluded.push({ card, why });
      else trusted.push(card);
    }
    return { trusted, excluded };
  }

  /** Every member the coordinator lists, with this bank's verdict and its reason. */
  rows(): MemberRow[] {
    return [...this.cards.values()].map((c) => {
      const why = this.whyUntrusted(c);
      const v = this.byKey.get(keyHex(c.signPublicKey));
      return {
        participantId: c.participantId,
        displayName: c.displayName,
        fingerprint: identityFingerprint(c.signPublicKey),
        trusted: why === null,
        why: why ?? (v && v.trusted ? v.detail : ''),
      };
    });
  }
}
