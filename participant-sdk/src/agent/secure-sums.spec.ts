import nacl from 'tweetnacl';
import {
  DEFAULT_HE_PARAMETER_SET,
  EncryptedSum,
  generateFederationKey,
  HeKeyHolder,
  proveContribution,
  type FederationKey,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import type { KeyRing } from '../crypto/key-ring';
import type { MemberMasking } from '../masking/member-masking';
import type { MemberTrust } from '../trust/member-trust';
import { TrustRefusal } from '../trust/trust-refusal';
import { SecureSums } from './secure-sums';

const IDS = ['bank-a', 'bank-b', 'bank-c'];
const at = { federationId: 'fed-1', roundId: 'round-1', kind: 'count' as const, keyEpoch: 1 };

/**
 * The bank's checkSumDigest setting: off lets a masked sum through to its unmasking without the
 * digest check (masking alone protects it), and is ignored for an unmasked sum.
 */
describe('SecureSums: the sum digest check and its setting (real SEAL)', () => {
  jest.setTimeout(60_000);
  let key: FederationKey;
  let holder: HeKeyHolder;
  const signers = IDS.map(() => nacl.sign.keyPair());
  const trust = {
    refresh: () => Promise.resolve(),
    trustedKey: (id: string) => ({ key: signers[IDS.indexOf(id)].publicKey }),
  } as unknown as MemberTrust;
  let parts: Buffer[];
  let honest: Buffer;
  let forged: Buffer;

  beforeAll(async () => {
    key = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1);
    holder = await HeKeyHolder.open(key);
    parts = [500, 300, 200].map((n) => holder.encrypt([n, 0]));
    const sumOf = (ps: Buffer[]) => {
      const s = new EncryptedSum(holder.rt, { keyEpoch: 1, valueCount: 2 });
      ps.forEach((p) => s.add(p));
      const out = s.serialize();
      s.dispose();
      return out;
    };
    honest = sumOf(parts);
    forged = sumOf([parts[1]]); // bank-b's own count handed off as the sum
  });
  afterAll(() => holder.dispose());

  function sums(data: Buffer, masked: boolean, check: boolean) {
    const reported: string[] = [];
    const statements = IDS.map((participantId, i) =>
      proveContribution({
        rt: holder.rt,
        epochSecret: key.epochSecret,
        signSecretKey: signers[i].secretKey,
        ...at,
        participantId,
        payload: parts[i],
      }),
    );
    const client = {
      uploadUpdate: jest.fn(),
      downloadAggregate: () => Promise.resolve({ data, contributors: 3, keyEpoch: 1, statements }),
      reportRefusal: (reason: string) => {
        reported.push(reason);
        return Promise.resolve();
      },
    };
    const opened: Buffer[] = [];
    const masking = {
      open: (_s: unknown, _h: unknown, payload: Buffer) => {
        opened.push(payload);
        return Promise.resolve(new Float64Array(2));
      },
    } as unknown as MemberMasking;
    const keys = { get: () => Promise.resolve({ key, holder }) } as unknown as Pick<KeyRing, 'get'>;
    const identity = { federationId: at.federationId, participantId: 'bank-a' } as AgentIdentity;
    const s = new SecureSums(
      identity,
      client as never,
      keys,
      trust,
      () => 3,
      masked ? masking : null,
      () => check,
    );
    const download = () =>
      s.download({ roundId: at.roundId, kind: at.kind, keyEpoch: 1, secure: true, contributed: true });
    return { download, reported, opened };
  }
  const reasonOf = (e: unknown) => (e instanceof TrustRefusal ? e.reason : String(e));

  it('positive control: the true sum passes the check and decrypts to the total', async () => {
    const sum = await sums(honest, false, true).download();
    expect((await sum.open())[0]).toBe(1000);
  });

  it('refuses a forged sum with the check on, masked or not', async () => {
    for (const masked of [false, true]) {
      const s = sums(forged, masked, true);
      expect(reasonOf(await s.download().catch((e: unknown) => e))).toBe('SUM_DIGEST_MISMATCH');
      expect(s.reported).toEqual(['SUM_DIGEST_MISMATCH']);
    }
  });

  it('ignores the setting for an unmasked sum: a forged one is still refused', async () => {
    const s = sums(forged, false, false);
    expect(reasonOf(await s.download().catch((e: unknown) => e))).toBe('SUM_DIGEST_MISMATCH');
    // The forgery is what it claims not to be: bank-b's own count.
    expect(holder.decrypt(forged)[0]).toBe(300);
  });

  it('with the check off, hands a masked sum straight to its unmasking', async () => {
    const s = sums(forged, true, false);
    const sum = await s.download();
    await sum.open();
    expect(s.opened).toEqual([forged]);
    expect(s.reported).toEqual([]);
  });
});
