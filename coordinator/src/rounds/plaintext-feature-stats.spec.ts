import {
  encodeFeatureStats,
  parseTrainingPlan,
  planSecureSpec,
  type FeatureMoments,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { AuditEvent } from '../audit/audit-event.entity';
import { ContributionIntakeService } from '../contributions/contribution-intake.service';
import type { ContributionClaim } from '../contributions/contribution-rules';
import { RoundAccess } from '../contributions/round-access';
import { Federation } from '../federations/federation.entity';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import { ParticipantsService } from '../participants/participants.service';
import { roundEngineProviders } from '../testing/round-providers';
import {
  addMembers,
  RecordingTaskHub,
  serviceTestModule,
  testPlan,
  type ServiceTestModule,
} from '../testing/service-test-module';
import { RoundLifecycle } from './round-lifecycle.service';
import { RoundStepper } from './round-stepper.service';
import { RoundViews } from './round-views.service';

/** testPlan with income (log1p) and age standardised federatedly. */
function stdPlan(): TrainingPlanInput {
  const p = testPlan({ mode: 'plaintext', minParticipants: 2 });
  return {
    ...p,
    schema: {
      ...p.schema,
      features: [
        { name: 'income', type: 'numeric', log1p: true, standardize: 'federated' },
        { name: 'age', type: 'numeric', standardize: 'federated' },
      ],
    },
  };
}

// Distinctive dyadic figures: exact in the 2^-20 fixed point, and easy to look for in the audit log.
const bankA: FeatureMoments = { count: [1237, 1236], sum: [12650.5, 51234.25], sumSquares: [129790.75, 2291043.5] };
const bankB: FeatureMoments = { count: [2341, 2341], sum: [24112.25, -1024.5], sumSquares: [249031.125, 1984562.75] };

describe('plaintext federated standardisation (in-memory SQLite, fake clock)', () => {
  let t: ServiceTestModule;
  let hub: RecordingTaskHub;
  let federationId: string;
  let base: string;
  const spec = planSecureSpec(parseTrainingPlan(stdPlan()));

  beforeEach(async () => {
    hub = new RecordingTaskHub();
    t = await serviceTestModule({ providers: [...roundEngineProviders(hub), ContributionIntakeService, RoundAccess] });
    federationId = (await t.get(FederationsService).create(stdPlan(), 'spec')).id;
    base = (await t.get(ModelsService).latest(federationId)).id;
    await addMembers(t.db, federationId, ['bank-a', 'bank-b', 'bank-c'], t.clock.now());
  });
  afterEach(() => t.close());

  const claim = (over: Partial<ContributionClaim> = {}): ContributionClaim => ({
    kind: 'stats',
    baseModelVersionId: base,
    encoding: 'PAYLOAD_ENCODING_UINT32_LE',
    numParams: 0,
    ...over,
  });
  /** What the agent sends: its moments as the same uint32 fields a secure round encrypts, in the clear. */
  const sendStats = async (
    roundId: string,
    member: string,
    m: FeatureMoments,
    over: Partial<ContributionClaim> = {},
  ) => {
    const intake = t.get(ContributionIntakeService);
    const round = await t.get(RoundViews).get(roundId);
    const p = await t.get(ParticipantsService).get(member);
    const ticket = await intake.admit(round, p, claim(over));
    const fields = encodeFeatureStats(m, spec);
    const payload = Buffer.from(fields.buffer, fields.byteOffset, fields.byteLength);
    return intake.accept(ticket, payload, {
      payloadSha256: `${member}-sha`,
      signature: `${member}-sig`,
      numSamples: 0,
    });
  };
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (err: { reason?: string }) => err.reason,
    );
  const view = (id: string) => t.get(RoundViews).view(id);
  const tick = () => t.get(RoundStepper).tick();
  const federation = () => t.db.getRepository(Federation).findOneByOrFail({ id: federationId });

  beforeEach(() => {
    // The stepper is driven by hand here (tick), not by each upload.
    jest.spyOn(RoundAccess.prototype, 'afterContribution').mockResolvedValue();
  });

  it('collects the statistics in the clear before training, records their sum and trains every member with it', async () => {
    const round = await t.get(RoundLifecycle).open(federationId);
    expect(round.state).toBe('counting');
    for (const m of ['bank-a', 'bank-b', 'bank-c']) expect(hub.typesFor(m)).toEqual(['TASK_TYPE_COUNT']);
    const countTask = hub.pushed[0].task;
    expect(countTask).toMatchObject({ parameterSet: '', statsRoundId: round.id, standardizationJson: '' });

    // Plaintext takes statistics as plain fields, never a sample count or a ciphertext.
    expect(await reason(sendStats(round.id, 'bank-a', bankA, { kind: 'count' }))).toBe('UNEXPECTED_COUNT');
    expect(await reason(sendStats(round.id, 'bank-a', bankA, { encoding: 'PAYLOAD_ENCODING_BFV_PACKED' }))).toBe(
      'UNSUPPORTED_ENCODING',
    );
    await sendStats(round.id, 'bank-a', bankA);
    expect(await reason(sendStats(round.id, 'bank-a', bankA))).toBe('DUPLICATE_STATS');
    await sendStats(round.id, 'bank-b', bankB);
    await tick();
    expect((await view(round.id)).state).toBe('counting'); // bank-c may still send until the phase's deadline

    t.clock.advance((await t.get(RoundViews).get(round.id)).countDeadlineAt! - t.clock.now());
    await tick();
    expect((await view(round.id)).state).toBe('collecting');
    const want = {
      count: [bankA.count[0] + bankB.count[0], bankA.count[1] + bankB.count[1]],
      sum: [bankA.sum[0] + bankB.sum[0], bankA.sum[1] + bankB.sum[1]],
      sumSquares: [bankA.sumSquares[0] + bankB.sumSquares[0], bankA.sumSquares[1] + bankB.sumSquares[1]],
    };
    expect(JSON.parse((await federation()).featureMomentsJson!)).toEqual(want);
    // Every member trains, bank-c too, with the recorded moments on its task: all scale the same way.
    for (const m of ['bank-a', 'bank-b', 'bank-c'])
      expect(hub.typesFor(m)).toEqual(['TASK_TYPE_COUNT', 'TASK_TYPE_TRAIN']);
    const train = hub.pushed.filter((p) => p.task.type === 'TASK_TYPE_TRAIN');
    for (const p of train) expect(JSON.parse(p.task.standardizationJson!)).toEqual(want);
    const age = (await t.get(FederationsService).planOf(federationId)).schema.features[1];
    const mean = want.sum[1] / want.count[1];
    expect(age).toMatchObject({ center: mean, scale: Math.sqrt(want.sumSquares[1] / want.count[1] - mean * mean) });

    // The audit log holds consortium totals only: no single bank's count or sum appears in any entry.
    const audit = await t.db.getRepository(AuditEvent).find();
    const recorded = audit.filter((e) => e.action === 'preprocessing.standardized');
    expect(recorded.map((e) => JSON.parse(e.detail))).toEqual([
      {
        round: 1,
        features: ['income', 'age'],
        consortiumCounts: want.count,
        contributors: 2,
        summedBy: 'coordinator',
      },
    ]);
    const details = audit.map((e) => e.detail).join('\n');
    expect(details).toContain(String(want.count[0])); // positive control: the search finds figures that are there
    for (const bank of [bankA, bankB])
      for (const x of [...bank.count, ...bank.sum, ...bank.sumSquares]) expect(details).not.toContain(String(x));

    // Recorded once: the next round trains straight away.
    await t.get(RoundLifecycle).cancel(round.id, 'spec');
    expect((await t.get(RoundLifecycle).open(federationId)).state).toBe('collecting');
  });

  it('closes the phase as soon as every member sent its statistics', async () => {
    const { id } = await t.get(RoundLifecycle).open(federationId);
    for (const [m, s] of [
      ['bank-a', bankA],
      ['bank-b', bankB],
      ['bank-c', bankB],
    ] as const)
      await sendStats(id, m, s);
    await tick();
    expect((await view(id)).state).toBe('collecting');
    expect(JSON.parse((await federation()).featureMomentsJson!).count[0]).toBe(bankA.count[0] + 2 * bankB.count[0]);
  });

  it('fails without a quorum of statistics, or with statistics that cannot scale, and the next round collects again', async () => {
    const first = await t.get(RoundLifecycle).open(federationId);
    await sendStats(first.id, 'bank-a', bankA);
    t.clock.advance(first.deadlineAt - t.clock.now());
    await tick();
    expect(await view(first.id)).toMatchObject({ state: 'failed', failureCode: 'QUORUM_MISSED' });
    expect((await view(first.id)).failureReason).toContain('feature statistics');

    const second = await t.get(RoundLifecycle).open(federationId);
    expect(second.state).toBe('counting');
    expect((await federation()).featureStatsRoundId).toBe(second.id);
    // No bank has a single age value: no scale can come of it.
    const noAge = (m: FeatureMoments): FeatureMoments => ({
      count: [m.count[0], 0],
      sum: [m.sum[0], 0],
      sumSquares: [m.sumSquares[0], 0],
    });
    for (const [m, s] of [
      ['bank-a', bankA],
      ['bank-b', bankB],
      ['bank-c', bankB],
    ] as const)
      await sendStats(second.id, m, noAge(s));
    await tick();
    expect(await view(second.id)).toMatchObject({ state: 'failed', failureCode: 'STATS_UNUSABLE' });
    expect((await view(second.id)).failureReason).toMatch(/cannot scale income, age: count\[1\] is 0/);
    expect((await federation()).featureMomentsJson).toBeNull();
    expect((await t.get(RoundLifecycle).open(federationId)).state).toBe('counting');
  });
});
