import { encodeFloat32, modelLayout, parseTrainingPlan } from '@syndicate/protocol';
import { AcceptedCiphertext } from '../aggregation/accepted-ciphertext.entity';
import { AggregationService } from '../aggregation/aggregation.service';
import { UpdateReceipt } from '../aggregation/update-receipt.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { Round } from '../rounds/round.entity';
import { createIntakeHarness, smallPlan, type IntakeHarness, type TestMember } from '../testing/intake-test-module';
import type { ContributionClaim } from './contribution-rules';
import { ContributionIntakeService } from './contribution-intake.service';
import { RoundAccess } from './round-access';

const numParams = modelLayout(parseTrainingPlan(smallPlan())).numParams;

describe('ContributionIntakeService (in-memory SQLite, plaintext round)', () => {
  let h: IntakeHarness;
  let bank: TestMember;
  let intake: ContributionIntakeService;
  let round: Round;
  const claim = (over: Partial<ContributionClaim> = {}): ContributionClaim => ({
    kind: 'model',
    baseModelVersionId: h.baseModelVersionId,
    encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
    numParams,
    ...over,
  });
  const update = (value: number) => Buffer.from(encodeFloat32(new Float32Array(numParams).fill(value)));
  const evidence = { payloadSha256: 'ab'.repeat(32), signature: 'cd'.repeat(64), numSamples: 10 };
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (err: { reason?: string }) => err.reason,
    );
  const accepted = () => h.db.getRepository(AuditEvent).find({ where: { action: 'update.accepted' } });
  const receipts = () => h.db.getRepository(UpdateReceipt).find({ where: { roundId: round.id } });

  beforeEach(async () => {
    h = await createIntakeHarness();
    bank = await h.member('bank-a');
    intake = h.module.get(ContributionIntakeService);
    round = await h.openRound();
    // Closing the round early is the stepper's job, not the intake's.
    jest.spyOn(h.module.get(RoundAccess), 'afterContribution').mockResolvedValue();
  });
  afterEach(() => h.close());

  it('accepts an update: receipt, running sum and audit entry, naming the receipt', async () => {
    const ticket = await intake.admit(round, bank.participant, claim());
    expect(ticket.valueCount).toBe(numParams);
    expect(ticket.maxBytes).toBe(numParams * 4);
    const receipt = await intake.accept(ticket, update(0.5), evidence);
    expect((await receipts()).map((r) => [r.id, r.participantId, r.numSamples])).toEqual([
      [receipt.id, bank.participant.id, 10],
    ]);
    expect(await h.db.getRepository(AcceptedCiphertext).count({ where: { roundId: round.id } })).toBe(1);
    const sum = await h.module.get(AggregationService).result(round.id, h.db.manager);
    expect(sum?.contributors).toBe(1);
    expect(sum?.weights[0]).toBe(0.5);
    const audit = await accepted();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail)).toMatchObject({ kind: 'model', receiptId: receipt.id, bytes: numParams * 4 });
  });

  it('refuses a second update from the same member and keeps the first', async () => {
    const ticket = await intake.admit(round, bank.participant, claim());
    await intake.accept(ticket, update(0.5), evidence);
    expect(await reason(intake.accept(ticket, update(0.7), evidence))).toBe('DUPLICATE_UPDATE');
    expect(await receipts()).toHaveLength(1);
    expect(await accepted()).toHaveLength(1);
  });

  it('refuses an update trained from another model', async () => {
    expect(await reason(intake.admit(round, bank.participant, claim({ baseModelVersionId: 'mdl_old' })))).toBe(
      'STALE_BASE_MODEL',
    );
  });

  it('refuses the wrong shape: parameter count, encoding, payload length', async () => {
    expect(await reason(intake.admit(round, bank.participant, claim({ numParams: numParams + 1 })))).toBe(
      'SHAPE_MISMATCH',
    );
    expect(
      await reason(intake.admit(round, bank.participant, claim({ encoding: 'PAYLOAD_ENCODING_BFV_PACKED' }))),
    ).toBe('UNSUPPORTED_ENCODING');
    const ticket = await intake.admit(round, bank.participant, claim());
    expect(await reason(intake.accept(ticket, update(1).subarray(4), evidence))).toMatch(/^UPDATE_/);
    expect(await receipts()).toHaveLength(0);
  });

  it('refuses counts in a plaintext round and updates outside collecting', async () => {
    const counting = await h.openRound({ state: 'counting' });
    expect(await reason(intake.admit(counting, bank.participant, claim({ kind: 'count' })))).toBe('UNEXPECTED_COUNT');
    expect(await reason(intake.admit(round, bank.participant, claim({ kind: 'count' })))).toBe('ROUND_NOT_COUNTING');
    const closed = await h.openRound({ state: 'aggregating' });
    expect(await reason(intake.admit(closed, bank.participant, claim()))).toBe('ROUND_NOT_COLLECTING');
  });

  it('re-checks the round inside the transaction: a round closed after the header refuses the payload', async () => {
    const ticket = await intake.admit(round, bank.participant, claim());
    await h.db.getRepository(Round).update({ id: round.id }, { state: 'aggregating' });
    expect(await reason(intake.accept(ticket, update(0.5), evidence))).toBe('ROUND_NOT_COLLECTING');
    expect(await receipts()).toHaveLength(0);
  });

  it('writes the audit entry in the same transaction: if it fails, nothing of the update commits', async () => {
    const ticket = await intake.admit(round, bank.participant, claim());
    jest.spyOn(h.module.get(AuditService), 'recordIn').mockRejectedValueOnce(new Error('audit disk full'));
    await expect(intake.accept(ticket, update(0.5), evidence)).rejects.toThrow('audit disk full');
    expect(await receipts()).toHaveLength(0);
    expect(await h.db.getRepository(AcceptedCiphertext).count({ where: { roundId: round.id } })).toBe(0);
    // Nothing half-kept blocks the member from sending it again.
    await intake.accept(ticket, update(0.5), evidence);
    expect(await receipts()).toHaveLength(1);
  });

  it('audits a refusal with the hash and signature it was sent with', async () => {
    await intake.recordRefusal(
      { participant: bank.participant, round, kind: 'model', payloadSha256: 'ef', signature: '01' },
      Object.assign(new Error('x'), { reason: 'NOT_SYNDICATE' }),
    );
    const [entry] = await h.db.getRepository(AuditEvent).find({ where: { action: 'update.rejected' } });
    expect(JSON.parse(entry.detail)).toEqual({
      kind: 'model',
      reason: 'INTERNAL',
      payloadSha256: 'ef',
      signature: '01',
    });
  });
});
