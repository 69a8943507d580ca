import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiTokensService, routeCatalog, type Role } from '@syndicate/coordinator';
import { CONSOLE_CAPABILITIES } from '@syndicate/coordinator/dist/console/console-views';
import { fixed } from '@syndicate/coordinator/dist/reports/number-format';
import { generateConsortium, toCsv } from '@syndicate/examples';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { pinAgents, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { TaskInbox } from '../support/task-inbox';

/**
 * The web console in a real headless Chromium against a real coordinator: real agents run a secure round,
 * the browser signs in per role, follows the round live, reads a model, pauses a schedule, verifies the audit log.
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..', '..', '..');
/** `SYNDICATE_UPDATE_SCREENSHOTS=1` refreshes the README's screenshots from this run. */
const SHOTS = process.env.SYNDICATE_UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'docs', 'console')
  : mkdtempSync(path.join(tmpdir(), 'console-shots-'));

const base: TrainingPlanInput = JSON.parse(
  readFileSync(path.join(ROOT, 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);
const nightlyPlan: TrainingPlanInput = {
  name: 'nightly',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 2, deadlineSeconds: 600 },
};

const ALL_VIEWS = ['Overview', 'Live round', 'Schedules', 'Members', 'Models', 'Audit', 'Tokens'];
const VIEWS_BY_ROLE: Record<Role, string[]> = {
  viewer: ['Overview', 'Live round', 'Schedules', 'Members'],
  'data-scientist': ['Overview', 'Live round', 'Schedules', 'Members', 'Models'],
  auditor: ALL_VIEWS,
  admin: ALL_VIEWS,
};

const chromiumMissing = !existsSync(CHROMIUM);
const title = chromiumMissing
  ? `web console in headless Chromium (SKIPPED: ${CHROMIUM} is not installed; apt-get install -y chromium)`
  : `web console in headless Chromium (${testDatabaseKind()})`;

(chromiumMissing ? describe.skip : describe)(title, () => {
  let h: Harness;
  let browser: Browser;
  let dir: string;
  const agents: AgentProcess[] = [];
  const tokens = {} as Record<Role, string>;
  let secureFed: string;
  let nightlyFed: string;
  let nightlyInbox: TaskInbox;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'syndicate-console-'));
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness('web-console');
    const issue = h.coordinator.app.get(ApiTokensService);
    for (const role of ['admin', 'data-scientist', 'auditor', 'viewer'] as Role[])
      tokens[role] = (await issue.create({ name: `console-${role}`, roles: [role] }, 'test')).token;

    const { banks } = generateConsortium({ seed: 7, scale: 0.05 });
    const f = await h.admin.createFederation({
      ...base,
      name: 'retail-credit',
      rounds: { ...base.rounds, minParticipants: 3, deadlineSeconds: 120 },
      aggregation: { mode: 'secure', secure: { clip: 4, releasePolicy: 'publish' } },
    });
    secureFed = f.id;
    for (const b of banks.slice(0, 3)) {
      const csv = path.join(dir, `${b.name}.csv`);
      writeFileSync(csv, toCsv(b.rows));
      agents.push(await startAgentProcess(h, f.id, b.name, csv, dir));
    }
    await waitFor('3 agents connected', async () =>
      (await h.admin.participants(f.id)).filter((p) => p.connected).length === 3 ? true : undefined,
    );
    await pinAgents(agents);

    // A second federation of light members: its schedule is paused from the console.
    nightlyFed = (await h.admin.createFederation(nightlyPlan)).id;
    const members = [await enrolledClient(h, nightlyFed, 'bank-n1'), await enrolledClient(h, nightlyFed, 'bank-n2')];
    nightlyInbox = new TaskInbox(members[0].client);
    closers.push(() => nightlyInbox.close(), ...members.map((m) => () => m.client.close()));

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    closers.forEach((c) => c());
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh browser profile (its own cookie jar) in Zurich time, where CSP violations are collected. */
  async function browse(): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true, // the harness's test CA; the cookie still needs the https origin
      viewport: { width: 1366, height: 900 },
      timezoneId: 'Europe/Zurich',
      locale: 'en-GB',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    return { context, page, cspViolations };
  }

  async function signIn(page: Page, role: Role, hash = ''): Promise<void> {
    await page.goto(`${h.baseUrl}/console/${hash}`);
    await page.getByLabel('API token').fill(tokens[role]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
  }

  const navLinks = (page: Page) => page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents();

  /** Runs a request from inside the page, as the console's own code would (same origin, session cookie). */
  const fetchInPage = (page: Page, method: string, url: string, csrf: boolean) =>
    page.evaluate(
      async ([method, url, csrf]) => {
        const session = (await (await fetch('/v1/console/session')).json()) as { csrfToken: string };
        const res = await fetch(url as string, {
          method: method as string,
          headers: csrf ? { 'x-csrf-token': session.csrfToken } : {},
        });
        const body = (await res.json().catch(() => ({}))) as { reason?: string };
        return { status: res.status, reason: body.reason };
      },
      [method, url, csrf] as const,
    );

  async function axeSerious(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol, so the page's CSP (rightly) does not apply to the checker.
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: Violation[] }> } }).axe;
      type Violation = { id: string; impact: string; nodes: { target: string[] }[] };
      return (await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } }))
        .violations;
    });
    return result
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('serves /console under a strict CSP and swaps the token for a cookie no script can read', async () => {
    const { context, page, cspViolations } = await browse();
    const res = await page.goto(`${h.baseUrl}/console/`);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    await signIn(page, 'admin');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: '__Host-syndicate-console',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    });
    expect(cookie.expires * 1000).toBeGreaterThan(Date.now());
    const stored = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      html: document.documentElement.outerHTML,
    }));
    expect(stored.cookie).toBe('');
    expect(stored.local).toBe('{}');
    expect(stored.session).toBe('{}');
    expect(stored.html).not.toContain(tokens.admin);
    // A change without the session's CSRF token is refused even with the cookie; with it, the same call passes.
    expect(await fetchInPage(page, 'POST', '/v1/tokens/tok_none/revoke', false)).toEqual({
      status: 403,
      reason: 'CSRF_TOKEN_MISMATCH',
    });
    expect(await fetchInPage(page, 'POST', '/v1/tokens/tok_none/revoke', true)).toEqual({
      status: 404,
      reason: 'TOKEN_NOT_FOUND',
    });
    expect(cspViolations).toEqual([]);
    await context.close();
    // What the console calls is API like the rest: in the OpenAPI document, with its roles.
    const doc = JSON.parse((await h.anonymous.raw('GET', '/docs/openapi.json')).text) as {
      paths: Record<string, Record<string, { 'x-syndicate-roles': string[] }>>;
    };
    expect(Object.keys(doc.paths['/v1/console/session']).sort()).toEqual(['delete', 'get', 'post']);
    expect(doc.paths['/v1/console/federations/{federationId}/round-events'].get['x-syndicate-roles']).toContain(
      'viewer',
    );
    // Every capability the console offers names a route the application really serves.
    const served = new Set(routeCatalog(h.coordinator.app).map((r) => `${r.method} ${r.path}`));
    expect(Object.values(CONSOLE_CAPABILITIES).filter((c) => !served.has(c))).toEqual([]);
  });

  it('shows each role only the views its API calls allow; a viewer gets no admin action and the server refuses it', async () => {
    const schedule = await h.admin.createSchedule(nightlyFed, {
      cron: '* * * * *',
      timeZone: 'America/New_York',
      windowMinutes: 60,
      rounds: 3,
    });
    for (const role of Object.keys(VIEWS_BY_ROLE) as Role[]) {
      const { context, page } = await browse();
      await signIn(page, role);
      expect([role, await navLinks(page)]).toEqual([role, VIEWS_BY_ROLE[role]]);
      await context.close();
    }
    const { context, page } = await browse();
    await signIn(page, 'viewer', `#/schedules/${nightlyFed}`);
    await page.getByRole('cell', { name: schedule.id }).waitFor();
    expect(await page.getByRole('button', { name: /Pause|Resume|Cancel|Create/ }).count()).toBe(0);
    await page.goto(`${h.baseUrl}/console/#/members/${nightlyFed}`);
    await page.getByRole('cell', { name: /bank-n1/ }).waitFor();
    expect(await page.getByRole('button', { name: /Revoke|Create invitation/ }).count()).toBe(0);
    await page.goto(`${h.baseUrl}/console/#/tokens`);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/do not open the "tokens" view/);
    // The console hides the actions; the server refuses them anyway, CSRF token or not.
    expect(await fetchInPage(page, 'POST', `/v1/schedules/${schedule.id}/pause`, true)).toEqual({
      status: 403,
      reason: 'ROLE_NOT_ALLOWED',
    });
    expect(await fetchInPage(page, 'GET', '/v1/tokens', false)).toEqual({ status: 403, reason: 'ROLE_NOT_ALLOWED' });
    await context.close();
  });

  it('follows a secure round from open to published as it happens, without a reload', async () => {
    const { context, page, cspViolations } = await browse();
    let navigations = 0;
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);
    await signIn(page, 'admin', `#/live/${secureFed}`);
    await page.getByText('Live: updates arrive as they happen.').waitFor();
    await page.getByText('No round yet in this federation.').waitFor();
    // Every phase the page shows is recorded in the page itself, so a quick one is not missed between polls.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const note = () => {
        const s = document.querySelector('#round-title .status')?.textContent;
        if (s && seen[seen.length - 1] !== s) seen.push(s);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const before = navigations;
    const opened = await h.admin.openRound(secureFed);
    // Waits on what the page recorded, not on what is on screen at a poll: collecting can last less than a
    // second on a small model, between two of Playwright's polls. A timeout says where the round was.
    const reached = (status: string, timeout: number) =>
      page
        .waitForFunction((s) => (window as unknown as { seen: string[] }).seen.includes(s), status, { timeout })
        .catch(async (err: Error) => {
          const r = await h.admin.round(opened.id);
          const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
          throw new Error(
            `the page never showed "${status}" (it showed ${seen.join(' > ')}); the round is ${r.state} ${r.failureCode ?? ''} ${r.failureReason ?? ''}; ${err.message}`,
          );
        });
    await reached('collecting', 120_000);
    await page.screenshot({ path: path.join(SHOTS, 'live-round.png') });
    await reached('published', 180_000);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen[0]).toBe('open');
    expect(seen[seen.length - 1]).toBe('published');
    expect(seen).toContain('collecting');
    expect(navigations).toBe(before);
    const done = await h.admin.round(opened.id);
    expect(done.state).toBe('published');
    await expect(page.getByTestId('contributions').textContent()).resolves.toMatch(/^3 received of 3 members/);
    await expect(page.getByRole('link', { name: done.resultModelVersionId! }).count()).resolves.toBe(1);
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it("draws the model's learning curve, ROC, KS and calibration and downloads its export", async () => {
    // A second round, so the learning curve has a course to draw.
    const second = await h.admin.openRound(secureFed);
    const round = await waitFor('round 2 published', async () => {
      const r = await h.admin.round(second.id);
      if (r.state === 'failed') throw new Error(`round 2 failed: ${r.failureReason}`);
      return r.state === 'published' ? r : undefined;
    });
    const modelId = round.resultModelVersionId!;
    const ev = await waitFor('federated evaluation of the model', async () => {
      const e = await h.admin.evaluation(modelId).catch(() => undefined);
      return e?.metrics ? e : undefined;
    });
    const { context, page, cspViolations } = await browse();
    await signIn(page, 'data-scientist', `#/models/${secureFed}/${modelId}`);
    await page.locator('svg.chart').nth(3).waitFor();
    const charts = await page
      .locator('svg.chart')
      .evaluateAll((svgs) => svgs.map((s) => (s.getAttribute('aria-label') ?? '').split(/[:(]/)[0].trim()));
    expect(charts).toEqual([
      'Learning curves',
      'ROC curve of the final model',
      'KS plot of the final model',
      'Calibration of the final model',
    ]);
    expect(await page.locator('svg.chart polyline').count()).toBeGreaterThanOrEqual(7);
    // Figures formatted as the report formats them.
    const auc = page.locator('.kpi', { hasText: 'ROC AUC' }).locator('dd');
    await expect(auc.textContent()).resolves.toBe(fixed(ev.metrics!.rocAuc));
    // The champion (what every command serves by default) is marked in the versions table.
    const champion = (await h.admin.selection(secureFed)).championModel!.id;
    await expect(
      page
        .locator('tr', { has: page.locator('.badge', { hasText: 'champion' }) })
        .locator('a')
        .textContent(),
    ).resolves.toBe(champion);
    await page.screenshot({ path: path.join(SHOTS, 'model.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'weights (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${modelId}-weights.json`);
    const file = path.join(dir, 'weights.json');
    await download.saveAs(file);
    // The file the browser saved is the export the API serves, byte for byte.
    expect(readFileSync(file)).toEqual(await h.admin.exportFile(modelId, 'weights.json'));
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('pauses a schedule from the console and the connected agent receives the notice', async () => {
    const [schedule] = await h.admin.schedules(nightlyFed);
    const round = await waitFor('the scheduled round to collect', async () =>
      (await h.admin.rounds(nightlyFed)).find((r) => r.state === 'collecting'),
    );
    const { context, page } = await browse();
    await signIn(page, 'admin', `#/schedules/${nightlyFed}`);
    await page.getByText('America/New_York').first().waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await expect(page.locator('.status', { hasText: 'paused' }).count()).resolves.toBe(1);
    const notice = await waitFor('the pause notice on the agent stream', async () =>
      nightlyInbox.notices.find((n) => n.kind === 'KIND_PAUSED'),
    );
    expect(notice.roundId).toBe(round.id);
    expect((await h.admin.schedules(nightlyFed)).find((s) => s.id === schedule.id)?.status).toBe('paused');
    const paused = (await h.admin.audit({ federationId: nightlyFed })).filter((e) => e.action === 'schedule.paused');
    expect(paused).toHaveLength(1);

    // A refusal shows the API's reason, its explanation and every problem, not a blank page or a stack trace.
    await page.getByLabel('Cron (window starts)').fill('every night');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'INVALID_SCHEDULE' });
    await alert.waitFor();
    const text = (await alert.textContent())!;
    expect(text).toContain('the schedule is invalid');
    expect(text).toMatch(/cron: not a valid cron expression/);
    expect(text).toContain('INVALID_SCHEDULE — ');
    expect(text).not.toMatch(/at \w+ \(|Error:/);
    expect(await h.admin.schedules(nightlyFed)).toHaveLength(1);
    await context.close();
  });

  it('verifies the audit log from the console', async () => {
    const { context, page } = await browse();
    await signIn(page, 'auditor', '#/audit');
    await page.getByRole('cell', { name: 'console.signed_in' }).first().waitFor();
    await page.getByRole('button', { name: 'Verify now' }).click();
    const verdict = await page.getByText(/The chain is intact: \d+ entries/).textContent();
    const entries = Number(/(\d+) entries/.exec(verdict!)![1]);
    expect(entries).toBeGreaterThan(10);
    expect(entries).toBeLessThanOrEqual((await h.admin.verifyAudit()).entries);
    await context.close();
  });

  it('passes an automated accessibility check with no serious violation on every view', async () => {
    const { context, page } = await browse();
    const problems: Record<string, string[]> = {};
    await page.goto(`${h.baseUrl}/console/`);
    await page.getByLabel('API token').waitFor();
    problems['sign-in'] = await axeSerious(page);
    await signIn(page, 'admin');
    // Each view with what shows it has loaded (its last part to render).
    const views: [string, string, string][] = [
      ['overview', '#/overview', 'text=Watch live'],
      ['live', `#/live/${secureFed}`, 'text=Accepted updates'],
      ['schedules', `#/schedules/${nightlyFed}`, 'text=New schedule'],
      ['members', `#/members/${secureFed}`, 'text=Invite a bank'],
      ['models', `#/models/${secureFed}`, 'svg.chart >> nth=3'],
      ['audit', '#/audit', 'text=console.signed_in'],
      ['tokens', '#/tokens', 'text=New token'],
    ];
    for (const [name, hash, loaded] of views) {
      await page.goto(`${h.baseUrl}/console/${hash}`);
      await page.locator(loaded).first().waitFor();
      // Several panels may still be loading; wait for all of them, not the first.
      await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
      problems[name] = await axeSerious(page);
      if (name === 'overview') await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
    }
    expect(problems).toEqual(Object.fromEntries(Object.keys(problems).map((k) => [k, []])));
    await context.close();
  });

  it('signs out: the old cookie opens nothing, and revoking a token ends the sessions opened with it', async () => {
    const { context, page } = await browse();
    await signIn(page, 'admin');
    const [cookie] = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await context.cookies()).toEqual([]);
    const replay = await context.request.get(`${h.baseUrl}/v1/federations`, {
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    expect([replay.status(), ((await replay.json()) as { reason: string }).reason]).toEqual([401, 'SESSION_REVOKED']);

    const issued = await h.coordinator.app
      .get(ApiTokensService)
      .create({ name: 'short-lived', roles: ['viewer'] }, 'test');
    tokens.viewer = issued.token;
    // Watching the live round: the open event stream is cut too, and the page says why, without a click.
    await signIn(page, 'viewer', `#/live/${secureFed}`);
    await page.getByText('Live: updates arrive as they happen.').waitFor();
    await h.admin.revokeToken(issued.id);
    await page.getByText(/Your session ended \(TOKEN_REVOKED\)/).waitFor();
    await context.close();
  });
});
