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
import { faultPoint } from '../common/fault-point';
import { admitSum } from '../trust/sum-gate';
import { TrustRefusal } from '../trust/trust-refusal';
import type { CoordinatorClient } from './coordinator-client';
import type { MemberMasking } from '../masking/member-masking';
import { roundMode, type FieldSealer } from './contribution-codec';

type TaskClock = Pick<Task__Output, 'roundId' | 'keyEpoch' | 'deadlineUnixMs'>;
/** How long a member waits on its peers in a masked sum when no task deadline says (a sum downloaded later). */
const DEFAULT_WAIT_MS = 5 * 60_000;
const deadlineOf = (task?: Pick<Task__Output, 'deadlineUnixMs'>) =>
  task && Number(task.deadlineUnixMs) > Date.now() ? Number(task.deadlineUnixMs) : Date.now() + DEFAULT_WAIT_MS;

type Client = Pick<CoordinatorClient, 'uploadUpdate' | 'downloadAggregate' | 'reportRefusal'>;

/**
 * The member's side of every secure sum: it signs what it adds (federation, round, kind, key epoch,
 * payload hash and the ciphertext's member-only digest), and it decrypts a sum only when the
 * coordinator shows at least `minContributors` trusted members' signed parts for this round and kind,
 * itself included when it contributed, and the sum's digest equals the sum of theirs. So one bank's
 * ciphertext, B + A - A, 2B or an old round's sum never reach the decryptor.
 */
export class SecureSums implements FieldSealer {
  constructor(
    private readonly identity: AgentIdentity,
    private readonly client: Client,
    private readonly keys: Pick<KeyRing, 'get'>,
    private readonly trust: MemberTrust,
    private readonly minContributors: () => number,
    /** Set when this member's plan masks its secure sums. */
    private readonly masking: MemberMasking | null = null,
    /** The bank's checkSumDigest: honoured as off for masked sums only (a forged masked sum decrypts to noise). */
    private readonly digestCheck: () => boolean = () => true,
  ) {}

  /** Advertises this member's mask keys for a sum as its task starts, so slow work does not miss the adverts. */
  async prepare(task: TaskClock & Pick<Task__Output, 'parameterSet'>, kind: ContributionKind): Promise<void> {
    if (this.masking && roundMode(task) === 'secure')
      await this.masking.prepare(this.at(task.roundId, kind, task.keyEpoch));
  }

  /** Encrypts this member's fields for one sum under the task's key epoch, masked when the plan says so. */
  async seal(task: TaskClock, kind: ContributionKind, fields: ArrayLike<number>): Promise<Buffer> {
    const { holder } = await this.keys.get(task.keyEpoch);
    if (!this.masking) return holder.encrypt(fields);
    return this.masking.seal(this.at(task.roundId, kind, task.keyEpoch), holder, fields, deadlineOf(task));
  }

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
    const receipt = await this.client.uploadUpdate({
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
    faultPoint(`upload.accepted.${o.kind}`); // test-only drop injection: in the sum, gone before unmasking
    return receipt;
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
    /** The task the sum is downloaded for: its deadline bounds the wait for peers' shares. */
    task?: Pick<Task__Output, 'deadlineUnixMs'>;
  }): Promise<{ data: Buffer; contributors: number; keyEpoch: number; open: () => Promise<Float64Array> }> {
    const sum = await this.client.downloadAggregate(o.roundId, o.kind);
    const plain = () => Promise.reject(new Error('a plaintext sum is not decrypted'));
    if (!o.secure) return { data: sum.data, contributors: sum.contributors, keyEpoch: sum.keyEpoch, open: plain };
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
      if (!this.masking || this.digestCheck()) {
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
      }
      const open = async () => {
        const { holder } = await this.keys.get(keyEpoch);
        if (!this.masking) return holder.decrypt(sum.data);
        const session = this.at(o.roundId, o.kind, keyEpoch);
        return this.masking.open(session, holder, sum.data, o.contributed, deadlineOf(o.task));
      };
      return { data: sum.data, contributors: contributors.length, keyEpoch, open };
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
