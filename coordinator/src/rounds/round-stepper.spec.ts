import { encodeFloat32 } from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import { EvaluationService } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
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

describe('RoundStepper (in-memory SQLite, fake clock)', () => {
  let t: ServiceTestModule;
  let hub: RecordingTaskHub;
  let federationId: string;
  let numParams: number;

  const setUp = async (plan: Parameters<typeof testPlan>[0], members: string[]) => {
    hub = new RecordingTaskHub();
    t = await serviceTestModule({ providers: roundEngineProviders(hub) });
    federationId = (await t.get(FederationsService).create(testPlan(plan), 'spec')).id;
    numParams = (await t.get(ModelsService).latest(federationId)).numParams;
    await addMembers(t.db, federationId, members, t.clock.now());
  };
  afterEach(() => t?.close());

  // Folds a plaintext update the way the intake does: decoded, added and receipted in one transaction.
  const upload = async (roundId: string, participantId: string, value: number, numSamples: number) => {
    const aggregation = t.get(AggregationService);
    const accumulator = aggregation.accumulatorFor('plaintext', 'model');
    const c = {
      roundId,
      participantId,
      kind: 'model' as const,
      payload: encodeFloat32(new Float32Array(numParams).fill(value)),
      numSamples,
      numParams,
      valueCount: numParams,
      keyEpoch: 0,
      parameterSet: '',
    };
    const decoded = accumulator.decode(c);
    await t.db.transaction((em) =>
      aggregation.fold(em, accumulator, c, decoded, {
        payloadSha256: `${participantId}-sha`,
        signature: `${participantId}-sig`,
      }),
    );
    accumulator.settle?.(roundId, 'model', true);
  };
  const state = async (roundId: string) => (await t.get(RoundViews).get(roundId)).state;
  const step = async (roundId: string) => t.get(RoundStepper).advance(await t.get(RoundViews).get(roundId));

  it('opens a plaintext round straight into collecting and offers every active member a train task', async () => {
    await setUp({ minParticipants: 2 }, ['bank-a', 'bank-b']);
    const round = await t.get(RoundLifecycle).open(federationId);
    expect(round.state).toBe('collecting');
    expect(hub.typesFor('bank-a')).toEqual(['TASK_TYPE_TRAIN']);
    expect(hub.typesFor('bank-b')).toEqual(['TASK_TYPE_TRAIN']);
    expect(hub.pushed[0].task.parameterSet).toBe('');
  });

  it('closes early once every member sent an update, publishes the weighted mean and opens its evaluation', async () => {
    await setUp({ minParticipants: 2 }, ['bank-a', 'bank-b']);
    const { id } = await t.get(RoundLifecycle).open(federationId);
    await upload(id, 'bank-a', 1, 1);
    await step(id);
    expect(await state(id)).toBe('collecting');
    await upload(id, 'bank-b', 4, 3);
    await step(id);
    const view = await t.get(RoundViews).view(id);
    expect(view.state).toBe('published');
    const model = await t.get(ModelsService).withData(view.resultModelVersionId!);
    expect(Array.from(new Float32Array(model.data.buffer, model.data.byteOffset, numParams))).toEqual(
      new Array(numParams).fill((1 * 1 + 4 * 3) / 4),
    );
    expect((await t.get(EvaluationService).byRound(id))?.state).toBe('collecting');
    expect(hub.typesFor('bank-a')).toEqual(['TASK_TYPE_TRAIN', 'TASK_TYPE_EVALUATE']);
  });

  it('waits for the deadline while a member is missing, then publishes with the quorum it has', async () => {
    await setUp({ minParticipants: 2 }, ['bank-a', 'bank-b', 'bank-c']);
    const { id, deadlineAt } = await t.get(RoundLifecycle).open(federationId);
    await upload(id, 'bank-a', 1, 1);
    await upload(id, 'bank-b', 1, 1);
    await t.get(RoundStepper).tick();
    expect(await state(id)).toBe('collecting');
    t.clock.advance(deadlineAt - t.clock.now());
    await t.get(RoundStepper).tick();
    expect(await state(id)).toBe('published');
  });

  it('fails at the deadline without a quorum, naming the shortfall', async () => {
    await setUp({ minParticipants: 2 }, ['bank-a', 'bank-b']);
    const { id, deadlineAt } = await t.get(RoundLifecycle).open(federationId);
    await upload(id, 'bank-a', 1, 1);
    t.clock.advance(deadlineAt - t.clock.now() + 1);
    await t.get(RoundStepper).tick();
    const view = await t.get(RoundViews).view(id);
    expect(view).toMatchObject({ state: 'failed', failureCode: 'QUORUM_MISSED' });
    expect(view.failureReason).toContain('1 of 2 required updates');
  });

  it('fails a round past its maximum duration, and a paused one keeps its time', async () => {
    await setUp({ minParticipants: 2 }, ['bank-a', 'bank-b']);
    const lifecycle = t.get(RoundLifecycle);
    const { id } = await lifecycle.open(federationId, { maxDurationSeconds: 10, deadlineSeconds: 60 });
    await lifecycle.pause(await t.get(RoundViews).get(id), 'spec', 'maintenance');
    t.clock.advance(30_000);
    await t.get(RoundStepper).tick();
    expect(await state(id)).toBe('collecting');
    await lifecycle.resume(await t.get(RoundViews).get(id), 'spec');
    expect((await t.get(RoundViews).get(id)).mustFinishBy).toBe(t.clock.now() + 10_000);
    t.clock.advance(10_000);
    await t.get(RoundStepper).tick();
    expect((await t.get(RoundViews).view(id)).failureCode).toBe('MAX_DURATION');
  });

  it('keeps a secure round open while no member can deal keys, asks a connected one, and fails at the deadline', async () => {
    await setUp({ minParticipants: 3, mode: 'secure' }, ['bank-a', 'bank-b', 'bank-c']);
    const { id, deadlineAt } = await t.get(RoundLifecycle).open(federationId);
    expect(await state(id)).toBe('open');
    hub.online.add('bank-b');
    await t.get(RoundStepper).tick();
    expect(hub.typesFor('bank-b')).toEqual(['TASK_TYPE_KEY_CEREMONY']);
    expect(await state(id)).toBe('open');
    t.clock.advance(deadlineAt - t.clock.now());
    await t.get(RoundStepper).tick();
    expect((await t.get(RoundViews).view(id)).failureCode).toBe('NO_DEALER');
  });

  it('cancels a running round, and refuses to open a second one meanwhile', async () => {
    await setUp({ minParticipants: 2 }, ['bank-a', 'bank-b']);
    const lifecycle = t.get(RoundLifecycle);
    const { id } = await lifecycle.open(federationId);
    await expect(lifecycle.open(federationId)).rejects.toMatchObject({ reason: 'ROUND_IN_PROGRESS' });
    expect(await lifecycle.cancel(id, 'spec')).toMatchObject({ state: 'failed', failureCode: 'CANCELLED' });
    expect((await lifecycle.open(federationId)).number).toBe(2);
  });
});
