import { encodeFloat32 } from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import { AuditService } from '../audit/audit.service';
import { decryptionDeadline } from '../evaluation/decryption-deadline';
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
import { EvaluationDriver } from './evaluation-driver.service';
import { RoundLifecycle } from './round-lifecycle.service';
import { RoundStepper } from './round-stepper.service';
import { RoundViews } from './round-views.service';

/** An evaluation only one member ever reports: figures need two agreeing members, so it must fail by name. */
describe('evaluation decryption deadline (in-memory SQLite, fake clock)', () => {
  let t: ServiceTestModule;
  afterEach(() => t?.close());

  /** A published plaintext round whose evaluation sum is final, with one member's report kept aside. */
  async function decryptingWithOneReport() {
    t = await serviceTestModule({ providers: roundEngineProviders(new RecordingTaskHub()) });
    const federationId = (await t.get(FederationsService).create(testPlan({ minParticipants: 2 }), 'spec')).id;
    const numParams = (await t.get(ModelsService).latest(federationId)).numParams;
    await addMembers(t.db, federationId, ['bank-a', 'bank-b'], t.clock.now());
    const { id } = await t.get(RoundLifecycle).open(federationId);
    const aggregation = t.get(AggregationService);
    const accumulator = aggregation.accumulatorFor('plaintext', 'model');
    for (const participantId of ['bank-a', 'bank-b']) {
      const c = {
        roundId: id,
        participantId,
        kind: 'model' as const,
        payload: encodeFloat32(new Float32Array(numParams).fill(1)),
        numSamples: 1,
        numParams,
        valueCount: numParams,
        keyEpoch: 0,
        parameterSet: '',
      };
      const decoded = accumulator.decode(c);
      await t.db.transaction((em) =>
        aggregation.fold(em, accumulator, c, decoded, { payloadSha256: 'x', signature: 'y' }),
      );
      accumulator.settle?.(id, 'model', true);
    }
    await t.get(RoundStepper).advance(await t.get(RoundViews).get(id));
    const evaluations = t.get(EvaluationService);
    const ev = (await evaluations.byRound(id))!;
    expect(
      await evaluations.move(ev, 'decrypting', { contributors: 2, reportersJson: JSON.stringify(['bank-a']) }),
    ).toBe(true);
    return { federationId, ev };
  }

  it('positive control: before the deadline it keeps waiting for a second agreeing report', async () => {
    const { ev } = await decryptingWithOneReport();
    t.clock.advance(decryptionDeadline(ev) - t.clock.now() - 1);
    await t.get(EvaluationDriver).tick();
    expect((await t.get(EvaluationService).get(ev.modelVersionId))?.state).toBe('decrypting');
  });

  it('fails at the deadline with EVALUATION_UNCONFIRMED, shown in its view and audited', async () => {
    const { federationId, ev } = await decryptingWithOneReport();
    t.clock.advance(decryptionDeadline(ev) - t.clock.now());
    await t.get(EvaluationDriver).tick();
    const evaluations = t.get(EvaluationService);
    const view = evaluations.view((await evaluations.get(ev.modelVersionId))!);
    expect(view.state).toBe('failed');
    expect(view.metrics).toBeNull();
    expect(view.failureReason).toMatch(/^EVALUATION_UNCONFIRMED: 1 member\(s\) reported .* 2 must report the same/);
    const entries = await t.get(AuditService).list({ federationId });
    const failed = entries.find((e) => e.action === 'evaluation.failed');
    expect(JSON.parse(failed!.detail)).toMatchObject({ code: 'EVALUATION_UNCONFIRMED' });
  });
});
