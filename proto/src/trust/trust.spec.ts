import nacl from 'tweetnacl';
import {
  boxKeySignatureValid,
  checkEpochManifest,
  checkSumStatements,
  endorsementValid,
  identityFingerprint,
  normalizeFingerprint,
  signBoxKey,
  signContribution,
  signEndorsement,
  signEpochManifest,
  type EpochManifest,
  type MemberCard,
  type ManifestExpectation,
  type SumExpectation,
} from './index';
import { sha256 } from '../wire/sha256';

const FED = 'fed-1';

function member(id: string) {
  const sign = nacl.sign.keyPair();
  const box = nacl.box.keyPair();
  const card: MemberCard = {
    participantId: id,
    displayName: `bank ${id}`,
    signPublicKey: sign.publicKey,
    boxPublicKey: box.publicKey,
    boxKeySignature: new Uint8Array(0),
  };
  card.boxKeySignature = signBoxKey(card, sign.secretKey);
  return { id, sign, box, card };
}

const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(member);
const wrapped = Buffer.from('wrapped key bytes');

function manifest(members = [a, b, c], dealer = a): { m: EpochManifest; sig: Uint8Array } {
  const m: EpochManifest = {
    federationId: FED,
    keyEpoch: 2,
    parameterSet: 'bfv-n4096-t31-2x15-v1',
    members: members.map((x) => x.card),
    wrappedKeySha256: sha256(wrapped),
    dealerParticipantId: dealer.id,
  };
  return { m, sig: signEpochManifest(m, dealer.sign.secretKey) };
}

function expectation(trusted: string[], self = b): ManifestExpectation {
  return {
    federationId: FED,
    keyEpoch: 2,
    parameterSet: 'bfv-n4096-t31-2x15-v1',
    self: { participantId: self.id, signPublicKey: self.sign.publicKey, boxPublicKey: self.box.publicKey },
    wrappedKey: wrapped,
    whyUntrusted: (card) => (trusted.includes(card.participantId) ? null : 'not pinned and not endorsed'),
  };
}

describe('identity fingerprints', () => {
  it('are 8 groups of 5 digits, stable for a key and different across keys', () => {
    const fa = identityFingerprint(a.sign.publicKey);
    expect(fa).toMatch(/^(\d{5} ){7}\d{5}$/);
    expect(identityFingerprint(a.sign.publicKey)).toBe(fa);
    expect(identityFingerprint(b.sign.publicKey)).not.toBe(fa);
  });
  it('are read back however they were typed', () => {
    const fa = identityFingerprint(a.sign.publicKey);
    expect(normalizeFingerprint(fa.replace(/ /g, '-'))).toBe(fa);
    expect(normalizeFingerprint(fa.replace(/ /g, ''))).toBe(fa);
    expect(normalizeFingerprint('12345 6789')).toBeNull();
  });
});

describe('member cards and endorsements', () => {
  it('bind a box key to its owner; a swapped box key fails', () => {
    expect(boxKeySignatureValid(a.card)).toBe(true);
    expect(boxKeySignatureValid({ ...a.card, boxPublicKey: d.box.publicKey })).toBe(false);
    expect(boxKeySignatureValid({ ...a.card, signPublicKey: d.sign.publicKey })).toBe(false);
  });
  it('verify an endorsement and refuse one with another subject', () => {
    const e = signEndorsement(
      { federationId: FED, subjectSignPublicKey: d.sign.publicKey, subjectDisplayName: 'bank d' },
      { signPublicKey: a.sign.publicKey, signSecretKey: a.sign.secretKey },
    );
    expect(endorsementValid(e)).toBe(true);
    expect(endorsementValid({ ...e, subjectSignPublicKey: c.sign.publicKey })).toBe(false);
    expect(endorsementValid({ ...e, subjectDisplayName: 'bank c' })).toBe(false);
  });
});

describe('epoch manifests', () => {
  it('positive control: a manifest of trusted members signed by a trusted dealer opens', () => {
    const { m, sig } = manifest();
    expect(checkEpochManifest(m, sig, expectation(['a', 'b', 'c']))).toEqual({ ok: true });
  });
  it('refuse a coordinator box key slipped into the member list', () => {
    const intruder = member('coordinator');
    const { m, sig } = manifest([a, b, c, intruder]);
    const v = checkEpochManifest(m, sig, expectation(['a', 'b', 'c']));
    expect(v).toMatchObject({ ok: false, code: 'MANIFEST_UNTRUSTED_MEMBER' });
    expect(!v.ok && v.message).toContain('coordinator');
  });
  it('refuse a key the coordinator dealt itself (dealer not a trusted member)', () => {
    const dealer = member('coordinator');
    const { m, sig } = manifest([a, b, c, dealer], dealer);
    expect(checkEpochManifest(m, sig, expectation(['a', 'b', 'c']))).toMatchObject({
      ok: false,
      code: 'MANIFEST_UNTRUSTED_DEALER',
    });
    const notMember = manifest([a, b, c], dealer);
    expect(checkEpochManifest(notMember.m, notMember.sig, expectation(['a', 'b', 'c']))).toMatchObject({
      ok: false,
      code: 'MANIFEST_DEALER_NOT_MEMBER',
    });
  });
  it('refuse a forged manifest: a signature by someone other than the dealer, or a field changed after signing', () => {
    const { m } = manifest();
    const forged = signEpochManifest(m, member('x').sign.secretKey);
    expect(checkEpochManifest(m, forged, expectation(['a', 'b', 'c']))).toMatchObject({
      code: 'MANIFEST_BAD_SIGNATURE',
    });
    const { sig } = manifest();
    const swapped = { ...m, members: [a.card, { ...b.card, boxPublicKey: d.box.publicKey }, c.card] };
    expect(checkEpochManifest(swapped, sig, expectation(['a', 'b', 'c'])).ok).toBe(false);
  });
  it('refuse a manifest without this member under its own keys, or with another wrapped key', () => {
    const { m, sig } = manifest([a, c, d]);
    expect(checkEpochManifest(m, sig, expectation(['a', 'c', 'd']))).toMatchObject({ code: 'MANIFEST_SELF_MISSING' });
    const ok = manifest();
    expect(
      checkEpochManifest(ok.m, ok.sig, { ...expectation(['a', 'b', 'c']), wrappedKey: Buffer.from('other') }),
    ).toMatchObject({ code: 'MANIFEST_WRAPPED_KEY_MISMATCH' });
  });
});

describe('sum acceptance', () => {
  const statement = (x: typeof a, roundId = 'r7', kind = 'model') =>
    signContribution(
      {
        federationId: FED,
        roundId,
        kind,
        keyEpoch: 2,
        participantId: x.id,
        ciphertextSha256: sha256(Buffer.from(x.id)),
        digest: new Uint8Array(8),
      },
      x.sign.secretKey,
    );
  const keys = new Map([a, b, c, d].map((x) => [x.id, x.sign.publicKey]));
  const expectSum = (over: Partial<SumExpectation> = {}): SumExpectation => ({
    federationId: FED,
    roundId: 'r7',
    kind: 'model',
    keyEpoch: 2,
    minContributors: 3,
    self: { participantId: 'b', contributed: true },
    trustedKey: (id) => (keys.has(id) && id !== 'd' ? { key: keys.get(id)! } : { why: 'not trusted' }),
    ...over,
  });

  it('positive control: three trusted members of this round, this member among them', () => {
    expect(
      checkSumStatements(
        [a, b, c].map((x) => statement(x)),
        expectSum(),
      ),
    ).toEqual({
      ok: true,
      contributors: ['a', 'b', 'c'],
    });
  });
  it('refuse one or two contributors, whatever the member configured', () => {
    expect(checkSumStatements([statement(b)], expectSum())).toMatchObject({ code: 'SUM_TOO_FEW_CONTRIBUTORS' });
    expect(
      checkSumStatements(
        [a, b].map((x) => statement(x)),
        expectSum({ minContributors: 1 }),
      ),
    ).toMatchObject({
      code: 'SUM_TOO_FEW_CONTRIBUTORS',
    });
  });
  it('refuse an old round, another kind, an untrusted or duplicated contributor, a forged signature', () => {
    expect(checkSumStatements([statement(a, 'r6'), statement(b), statement(c)], expectSum())).toMatchObject({
      code: 'SUM_WRONG_ROUND',
    });
    expect(checkSumStatements([statement(a, 'r7', 'count'), statement(b), statement(c)], expectSum())).toMatchObject({
      code: 'SUM_WRONG_ROUND',
    });
    expect(
      checkSumStatements(
        [a, b, c, d].map((x) => statement(x)),
        expectSum(),
      ),
    ).toMatchObject({
      code: 'SUM_UNTRUSTED_CONTRIBUTOR',
    });
    expect(checkSumStatements([statement(a), statement(a), statement(b)], expectSum())).toMatchObject({
      code: 'SUM_DUPLICATE_CONTRIBUTOR',
    });
    const forged = { ...statement(a), participantId: 'c' };
    expect(checkSumStatements([forged, statement(b), statement(a)], expectSum())).toMatchObject({
      code: 'SUM_BAD_SIGNATURE',
    });
  });
  it('refuse a sum that leaves out this member although it contributed', () => {
    const withD = expectSum({ trustedKey: (id) => ({ key: keys.get(id)! }) });
    expect(
      checkSumStatements(
        [a, c, d].map((x) => statement(x)),
        withD,
      ),
    ).toMatchObject({ code: 'SUM_SELF_MISSING' });
  });
});

describe('signed statements', () => {
  it('interoperate with tweetnacl signatures both ways', () => {
    const { statementBytes, signStatement, verifyStatement } = require('./signed-statement');
    const bytes = statementBytes('d', ['x', 1, new Uint8Array([1, 2])]);
    const naclSig = nacl.sign.detached(bytes, a.sign.secretKey);
    expect(verifyStatement('d', ['x', 1, new Uint8Array([1, 2])], naclSig, a.sign.publicKey)).toBe(true);
    const ours = signStatement('d', ['x', 1, new Uint8Array([1, 2])], a.sign.secretKey);
    expect(nacl.sign.detached.verify(bytes, ours, a.sign.publicKey)).toBe(true);
    expect(verifyStatement('e', ['x', 1, new Uint8Array([1, 2])], ours, a.sign.publicKey)).toBe(false);
  });
  it('never serialise two different field lists alike', () => {
    const { statementBytes } = require('./signed-statement');
    expect(statementBytes('d', ['ab', 'c']).equals(statementBytes('d', ['a', 'bc']))).toBe(false);
    expect(statementBytes('d', ['1']).equals(statementBytes('d', [1]))).toBe(false);
  });
});

describe('trust wire forms', () => {
  it('a manifest survives the JSON the coordinator stores and still verifies', () => {
    const { manifestFromJson, manifestToJson } = require('./trust-wire');
    const { m, sig } = manifest();
    const back = manifestFromJson(manifestToJson(m));
    expect(checkEpochManifest(back, sig, expectation(['a', 'b', 'c']))).toEqual({ ok: true });
  });
});
