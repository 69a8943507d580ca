import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateConsortium, toCsv, runSimulation } from '@syndicate/examples';
import { personalizedModelPath } from '@syndicate/participant';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';

const PLAN = path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json');

/**
 * Each bank derives its own model from the champion on its own machine (`syndicate-agent benefit`
 * with its agent state), and simulate's results count the model each bank chose.
 */
describe(`personalised models in a simulation (${testDatabaseKind()})`, () => {
  it("carries every bank's chosen model beside local-only and global, chosen on validation rows", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-personal-'));
    const banks = generateConsortium({ seed: 5, scale: 0.2 })
      .banks.slice(0, 3)
      .map((b) => {
        const csv = path.join(dir, `${b.name}.csv`);
        fs.writeFileSync(csv, toCsv(b.rows));
        return { name: b.name, csv };
      });
    const plan = JSON.parse(fs.readFileSync(PLAN, 'utf8')) as { rounds: Record<string, unknown> };
    const planPath = path.join(dir, 'plan.json');
    fs.writeFileSync(planPath, JSON.stringify({ ...plan, rounds: { ...plan.rounds, minParticipants: 3 } }));
    const result = await runSimulation({
      planPath,
      banks,
      rounds: 2,
      outFile: path.join(dir, 'results.json'),
      workDir: path.join(dir, 'work'),
      databaseUrl: await freshDatabaseUrl('personal'),
      deadlineSeconds: 120,
      baselines: ['local'],
    });
    for (const b of banks) {
      const r = result.banks[b.name];
      const p = r.personalized!;
      expect(['global', 'local_only', 'fine_tuned', 'blend']).toContain(p.model);
      // The guarantee, on the rows that chose: never below the bank alone.
      expect(p.validation[p.model]!).toBeGreaterThanOrEqual(p.validation.local_only!);
      // benefit scores the very test rows the agent's federated evaluation scored the champion on.
      if (p.model === 'global') expect(p.auc).toBeCloseTo(r.global!.auc, 9);
      if (p.model === 'local_only') expect(p.auc).toBeCloseTo(r.local_only!.auc, 9);
      expect(p.alpha === undefined).toBe(p.model !== 'blend');
      const kept = JSON.parse(fs.readFileSync(personalizedModelPath(path.join(dir, 'work', 'agents', b.name)), 'utf8'));
      expect(kept.model).toBe(p.model);
    }
    const chosenGains = Object.values(result.banks).map((r) => r.personalized!.auc - r.local_only!.auc);
    expect(result.benefit).toMatchObject({
      banks: 3,
      model: 'personalized',
      improved: chosenGains.filter((g) => g > 0).length,
    });
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(Object.keys(written.banks[banks[0].name])).toEqual(['global', 'local_only', 'personalized']);
  });
});
