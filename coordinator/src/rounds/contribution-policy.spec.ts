import { UpdateReceipt } from '../aggregation/update-receipt.entity';
import { FederationsService } from '../federations/federations.service';
import { KeyEpoch } from '../keys/key-epoch.entity';
import { ParticipantsService } from '../participants/participants.service';
import { StandardizationService } from '../standardization/standardization.service';
import { roundEngineProviders } from '../testing/round-providers';
import {
  addMembers,
  RecordingTaskHub,
  serviceTestModule,
  testPlan,
  type ServiceTestModule,
} from '../testing/service-test-module';
import { ContributionPolicy } from './contribution-policy.service';
import { Round } from './round.entity';
import { RoundCreation } from './round-creation.service';

describe('ContributionPolicy (in-memory SQLite)', () => {
  let t: ServiceTestModule;
  let federationId: string;
  let policy: ContributionPolicy;

  beforeEach(async () => {
    t = await serviceTestModule({ providers: roundEngineProviders(new RecordingTaskHub()) });
    policy = t.get(ContributionPolicy);
  });
  afterEach(() => t.close());

  const federation = async (mode: 'plaintext' | 'secure', members: string[]) => {
    federationId = (await t.get(FederationsService).create(testPlan({ mode }), 'spec')).id;
    await addMembers(t.db, federationId, members, t.clock.now());
  };
  /** A round already in `state`, made under key epoch 1 when secure. */
  const round = async (state: Round['state']): Promise<Round> => {
    const r = await t.get(RoundCreation).create(federationId, {}, 'spec');
    const patch = { state, keyEpoch: r.mode === 'secure' ? 1 : 0 };
    await t.db.getRepository(Round).update({ id: r.id }, patch);
    return Object.assign(r, patch);
  };
  const keyEpoch = (members: string[]) =>
    t.db.getRepository(KeyEpoch).insert({
      federationId,
      epoch: 1,
      parameterSet: 'bfv-8192',
      dealerId: members[0],
      memberIds: JSON.stringify(members),
      state: 'ready',
      resealedModelVersionId: null,
      startedAt: t.clock.now(),
      readyAt: t.clock.now(),
    });
  const sent = (roundId: string, participantId: string, kind: UpdateReceipt['kind']) =>
    t.db.getRepository(UpdateReceipt).insert({
      id: `rcp-${roundId}-${participantId}-${kind}`,
      roundId,
      participantId,
      payloadSha256: 'x',
      signature: `sig-${participantId}-${kind}`,
      numSamples: 10,
      payloadBytes: '4',
      acceptedAt: t.clock.now(),
      kind,
    });

  describe('plaintext', () => {
    it('lets every active member evaluate, and no one else', async () => {
      await federation('plaintext', ['bank-a', 'bank-b']);
      const r = await round('published');
      expect((await policy.evaluators(r)).sort()).toEqual(['bank-a', 'bank-b']);
      await expect(policy.assertMayContribute(r, 'bank-a', 'evaluation')).resolves.toBeUndefined();
      await expect(policy.assertMayContribute(r, 'bank-z', 'evaluation')).rejects.toMatchObject({
        reason: 'NOT_AN_EVALUATOR',
      });
    });

    it('waits for every active member, and a revoked one no longer counts', async () => {
      await federation('plaintext', ['bank-a', 'bank-b', 'bank-c']);
      const r = await round('collecting');
      expect(await policy.expectedUpdates(r)).toBe(3);
      await t.get(ParticipantsService).revoke(federationId, 'bank-c', 'spec');
      expect(await policy.expectedUpdates(r)).toBe(2);
      expect(await policy.evaluators(r)).not.toContain('bank-c');
    });
  });

  describe('secure', () => {
    it('takes counts only from members holding the round key; a member that joined later waits', async () => {
      await federation('secure', ['bank-a', 'bank-b', 'bank-late']);
      await keyEpoch(['bank-a', 'bank-b']);
      const r = await round('counting');
      await expect(policy.assertMayContribute(r, 'bank-a', 'count')).resolves.toBeUndefined();
      await expect(policy.assertMayContribute(r, 'bank-late', 'count')).rejects.toMatchObject({
        reason: 'NOT_A_KEY_MEMBER',
      });
      expect((await policy.evaluators(r)).sort()).toEqual(['bank-a', 'bank-b']);
    });

    it('takes an update only from a member whose sample count is in the sum', async () => {
      await federation('secure', ['bank-a', 'bank-b']);
      await keyEpoch(['bank-a', 'bank-b']);
      const r = await round('collecting');
      await sent(r.id, 'bank-a', 'count');
      await expect(policy.assertMayContribute(r, 'bank-a', 'model')).resolves.toBeUndefined();
      await expect(policy.assertMayContribute(r, 'bank-b', 'model')).rejects.toMatchObject({ reason: 'NOT_COUNTED' });
      expect(await policy.expectedUpdates(r)).toBe(1);
    });

    it('takes feature statistics only in the round that collects them', async () => {
      await federation('secure', ['bank-a', 'bank-b']);
      await keyEpoch(['bank-a', 'bank-b']);
      const r = await round('counting');
      await expect(policy.assertMayContribute(r, 'bank-a', 'stats')).rejects.toMatchObject({
        reason: 'NO_STATS_PHASE',
      });
      const standardization = t.get(StandardizationService);
      await standardization.assignFeatureStatsRound(await t.get(FederationsService).entity(federationId), r.id);
      await expect(policy.assertMayContribute(r, 'bank-a', 'stats')).resolves.toBeUndefined();
    });
  });
});
