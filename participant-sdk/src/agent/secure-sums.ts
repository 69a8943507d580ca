import {
  addDigests,
  payloadDigest,
  proveContribution,
  sumDigestKey,
  type ContributionKind,
  type PayloadEncoding,
  type Task__Output,
} from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import type { KeyRing } from '../crypto/key-ring';
import type { MemberTrust } from '../trust/member-trust';
import { describeOutOfRange, type OutOfRange } from '../trust/aggregate-bounds';
import { admitSum } from '../trust/sum-gate';
import { TrustRefusal } from '../trust/trust-refusal';
import type { CoordinatorClient } from './coordinator-client';
import { roundMode } from './contribution-codec';

type Client = Pick<CoordinatorClient, 'uploadUpdate' | 'downloadAggregate' | 'reportRefusal'>;

/**
 * The member's side of every secure sum: it signs what it adds (federation, round, kind, key epoch,
 * payload hash and the ciphertext's member-only digest), and it decrypts a sum only when the
 * coordinator shows at least `minContributors` trusted members' signed parts for this round and kind,
 * itself included when it contributed, and the sum's digest equals the sum of theirs. So one bank's
 * ciphertext, B + A - A, 2B or an old round's sum never reach the decryptor.
 */
export class SecureSums {
  constructor(
    private readonly identity: AgentIdentity,
    private readonly client: Client,
    private readonly keys: Pick<KeyRing, 'get'>,
    private readonly trust: MemberTrust,
    private readonly minContributors: () => number,
  ) {}

  /** Uploads a contribution, signed when the round is secure. */
  async upload(o: {
    task: Pick<Task__Output, 'roundId' | 'modelVersionId' | 'keyEpoch' | 'parameterSet'>;
    kind: ContributionKind;
    encoding: PayloadEncoding;
    numParams: number;
    payload: Buffer;
  }): Promise<{ receiptId: string }> {
    const roundId = o.task.roundId;
    const statement =
      roundMode(o.task) === 'secure' ? await this.sign(roundId, o.kind, o.task.keyEpoch, o.payload) : undefined;
    return this.client.uploadUpdate({
      roundId,
      baseModelVersionId: o.task.modelVersionId,
      encoding: o.encoding,
      numParams: o.numParams,
      numSamples: 0,
      payload: o.payload,
      kind: o.kind,
      keyEpoch: o.task.keyEpoch,
      statement,
    });
  }

  /**
   * Downloads a round's sum of one kind; in a secure round, returns it only once it is proven to be
   * the sum of what trusted members signed. A refusal is reported (audited) and thrown.
   */
  async download(o: {
    roundId: string;
    kind: ContributionKind;
    /** The epoch the sum must be under; omitted, the one it names (its parts' signatures must then agree). */
    keyEpoch?: number;
    secure: boolean;
    /** Whether this member sent a part of this sum (then it must be named). */
    contributed: boolean;
  }): Promise<{ data: Buffer; contributors: number; keyEpoch: number }> {
    const sum = await this.client.downloadAggregate(o.roundId, o.kind);
    if (!o.secure) return { data: sum.data, contributors: sum.contributors, keyEpoch: sum.keyEpoch };
    const keyEpoch = o.keyEpoch ?? sum.keyEpoch;
    try {
      const contributors = await admitSum(
        sum.statements,
        {
          federationId: this.identity.federationId,
          roundId: o.roundId,
          kind: o.kind,
          keyEpoch,
          participantId: this.identity.participantId,
          contributed: o.contributed,
        },
        this.trust,
        this.minContributors(),
      );
      const { key, holder } = await this.keys.get(keyEpoch);
      const digestKey = sumDigestKey(key.epochSecret, this.at(o.roundId, o.kind, keyEpoch));
      const claimed = addDigests(
        holder.rt,
        sum.statements.map((s) => s.digest),
      );
      if (!payloadDigest(holder.rt, sum.data, digestKey).equals(claimed))
        throw new TrustRefusal(
          'SUM_DIGEST_MISMATCH',
          `round ${o.roundId} ${o.kind} sum: the ciphertext is not the sum of the ${contributors.length} contributions listed (${contributors.join(', ')})`,
        );
      return { data: sum.data, contributors: contributors.length, keyEpoch };
    } catch (err) {
      if (err instanceof TrustRefusal)
        await this.client.reportRefusal(err.reason, err.message, o.roundId, keyEpoch).catch(() => undefined);
      throw err;
    }
  }

  /** A decrypted sum outside what honest members produce is never applied: refused, reported, audited. */
  async assertInRange(
    problems: readonly OutOfRange[],
    at: { roundId: string; kind: ContributionKind; keyEpoch: number },
  ) {
    if (problems.length === 0) return;
    const err = new TrustRefusal(
      'AGGREGATE_OUT_OF_RANGE',
      `round ${at.roundId} ${at.kind} sum: ${describeOutOfRange(problems)}; a member sent out-of-range values, the sum is not applied`,
    );
    await this.client.reportRefusal(err.reason, err.message, at.roundId, at.keyEpoch).catch(() => undefined);
    throw err;
  }

  private async sign(roundId: string, kind: ContributionKind, keyEpoch: number, payload: Buffer) {
    const { key, holder } = await this.keys.get(keyEpoch);
    return proveContribution({
      rt: holder.rt,
      epochSecret: key.epochSecret,
      signSecretKey: this.identity.signingSecretKey,
      ...this.at(roundId, kind, keyEpoch),
      participantId: this.identity.participantId,
      payload,
    });
  }

  private at(roundId: string, kind: ContributionKind, keyEpoch: number) {
    return { federationId: this.identity.federationId, roundId, kind, keyEpoch };
  }
}
