import type {
  ContributionStatement as ContributionStatementWire,
  ContributionStatement__Output,
} from '../generated/syndicate/v1/ContributionStatement';
import type { Endorsement as WireEndorsement, Endorsement__Output } from '../generated/syndicate/v1/Endorsement';
import type { EpochManifest as WireManifest, EpochManifest__Output } from '../generated/syndicate/v1/EpochManifest';
import type { MemberCard as WireCard, MemberCard__Output } from '../generated/syndicate/v1/MemberCard';
import type { ContributionStatement } from './contribution-statement';
import type { Endorsement } from './endorsement';
import type { EpochManifest } from './epoch-manifest';
import type { MemberCard } from './member-card';

/** Conversions between the gRPC messages and the trust types both sides check signatures on. */
const u8 = (b: Buffer | Uint8Array | string | undefined): Uint8Array =>
  b === undefined ? new Uint8Array(0) : typeof b === 'string' ? Buffer.from(b, 'base64') : new Uint8Array(b);

export const cardFromWire = (c: MemberCard__Output): MemberCard => ({
  participantId: c.participantId,
  displayName: c.displayName,
  signPublicKey: u8(c.signingPublicKey),
  boxPublicKey: u8(c.boxPublicKey),
  boxKeySignature: u8(c.boxKeySignature),
});

export const cardToWire = (c: MemberCard): WireCard => ({
  participantId: c.participantId,
  displayName: c.displayName,
  signingPublicKey: Buffer.from(c.signPublicKey),
  boxPublicKey: Buffer.from(c.boxPublicKey),
  boxKeySignature: Buffer.from(c.boxKeySignature),
});

export const manifestFromWire = (m: EpochManifest__Output): EpochManifest => ({
  federationId: m.federationId,
  keyEpoch: m.keyEpoch,
  parameterSet: m.parameterSet,
  members: m.members.map(cardFromWire),
  wrappedKeySha256: u8(m.wrappedKeySha256),
  dealerParticipantId: m.dealerParticipantId,
});

export const manifestToWire = (m: EpochManifest): WireManifest => ({
  federationId: m.federationId,
  keyEpoch: m.keyEpoch,
  parameterSet: m.parameterSet,
  members: m.members.map(cardToWire),
  wrappedKeySha256: Buffer.from(m.wrappedKeySha256),
  dealerParticipantId: m.dealerParticipantId,
});

export const endorsementFromWire = (federationId: string, e: Endorsement__Output): Endorsement => ({
  federationId,
  subjectSignPublicKey: u8(e.subjectSigningPublicKey),
  subjectDisplayName: e.subjectDisplayName,
  endorserSignPublicKey: u8(e.endorserSigningPublicKey),
  signature: u8(e.signature),
});

export const endorsementToWire = (e: Endorsement): WireEndorsement => ({
  subjectSigningPublicKey: Buffer.from(e.subjectSignPublicKey),
  subjectDisplayName: e.subjectDisplayName,
  endorserSigningPublicKey: Buffer.from(e.endorserSignPublicKey),
  signature: Buffer.from(e.signature),
});

export const statementFromWire = (federationId: string, s: ContributionStatement__Output): ContributionStatement => ({
  federationId,
  roundId: s.roundId,
  kind: s.kind,
  keyEpoch: s.keyEpoch,
  participantId: s.participantId,
  ciphertextSha256: u8(s.ciphertextSha256),
  digest: u8(s.digest),
  signature: u8(s.signature),
});

export const statementToWire = (s: ContributionStatement): ContributionStatementWire => ({
  participantId: s.participantId,
  roundId: s.roundId,
  kind: s.kind,
  keyEpoch: s.keyEpoch,
  ciphertextSha256: Buffer.from(s.ciphertextSha256),
  digest: Buffer.from(s.digest),
  signature: Buffer.from(s.signature),
});

/** Manifests are stored by the coordinator as JSON with base64 bytes, and served back as messages. */
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export const manifestToJson = (m: EpochManifest): string =>
  JSON.stringify({
    federationId: m.federationId,
    keyEpoch: m.keyEpoch,
    parameterSet: m.parameterSet,
    dealerParticipantId: m.dealerParticipantId,
    wrappedKeySha256: b64(m.wrappedKeySha256),
    members: m.members.map((c) => ({
      participantId: c.participantId,
      displayName: c.displayName,
      signingPublicKey: b64(c.signPublicKey),
      boxPublicKey: b64(c.boxPublicKey),
      boxKeySignature: b64(c.boxKeySignature),
    })),
  });

export const manifestFromJson = (json: string): EpochManifest => {
  const w = JSON.parse(json) as Record<string, unknown> & { members: Record<string, string>[] };
  return {
    federationId: String(w.federationId),
    keyEpoch: Number(w.keyEpoch),
    parameterSet: String(w.parameterSet),
    dealerParticipantId: String(w.dealerParticipantId),
    wrappedKeySha256: u8(String(w.wrappedKeySha256)),
    members: w.members.map((c) => ({
      participantId: c.participantId,
      displayName: c.displayName,
      signPublicKey: u8(c.signingPublicKey),
      boxPublicKey: u8(c.boxPublicKey),
      boxKeySignature: u8(c.boxKeySignature),
    })),
  };
};
