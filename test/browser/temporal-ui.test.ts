/**
 * The audit trail as a person sees it: real releases (one succeeds, one rolls back) and a sync
 * schedule, then the real Temporal Web UI of the run's dev server in headless Chromium. It filters
 * the workflow list by our search attributes, opens a release, opens the Schedules page, and keeps
 * screenshots under test-output/ for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSyncSchedule } from '../../client/schedules/sync-schedule';
import { workflowListUiLink, workflowUiLink } from '../../client/ui-links';
import { planRelease } from '../../client/api';
import { abortSignal, progressQuery, releaseWorkflowId, type ReleaseInput, type ReleaseResult } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { startScfWorld, type ScfWorld } from '../harness/scf-world';
import { connectTestEnv, harnessInfo } from '../harness/temporal';
import { OUTPUT_DIR } from '../harness/paths';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(OUTPUT_DIR, 'browser');
const PRIMARY = 'ap-guangzhou';
const TARGET = 'ap-shanghai';

describe('the Temporal Web UI shows releases, their statuses and the sync schedule', () => {
  let env: TestWorkflowEnvironment;
  let world: ScfWorld;
  let browser: Browser;
  let page: Page;
  const ui = harnessInfo().uiUrl;
  const functionName = `ui-demo-${randomUUID().slice(0, 6)}`;
  const scheduleId = `nightly-sync-${randomUUID().slice(0, 6)}`;
  const releases: Record<'good' | 'bad', { id: string; result?: ReleaseResult }> = {
    good: { id: releaseWorkflowId('default', functionName, 'r-good') },
    bad: { id: releaseWorkflowId('default', functionName, 'r-bad') },
  };

  /** A release of the demo function: `good` passes its verification, `bad` fails it. */
  const releaseInputOf = (which: 'good' | 'bad', marker = 'v2'): ReleaseInput => {
    // The bad package fails its own verification, so the release rolls back every region.
    const body = which === 'good' ? `({ ok: true, v: '${marker}' })` : `({ ok: false, v: '${marker}' })`;
    return {
      releaseId: `r-${which}`,
      functionName,
      namespace: 'default',
      primaryRegion: PRIMARY,
      regions: [TARGET],
      pkg: world.makePackage({ 'index.js': `exports.main_handler = async () => ${body};\n` }),
      handler: 'index.main_handler',
      verification: [{ name: 'answers ok', event: '{}', expect: { retMsgJsonSubset: { ok: true } } }],
      startedBy: 'ui-test',
    };
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is needed for the Temporal UI test and is missing at ${CHROMIUM}. Install it with ` +
          '`node scripts/bootstrap.mjs --with-browser` (Debian: `sudo apt-get install -y chromium`), or set CHROMIUM_PATH.',
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    env = await connectTestEnv();
    world = await startScfWorld(env);
    for (const region of [PRIMARY, TARGET]) {
      world.sim.admin.seedFunction({
        region,
        functionName,
        files: { 'index.js': "exports.main_handler = async () => ({ ok: true, v: 1 });\n" },
        handler: 'index.main_handler',
        runtime: 'Nodejs18.15',
        publishVersions: 1,
      });
    }
    const release = async (which: 'good' | 'bad', marker: string) => {
      const input = releaseInputOf(which, marker);
      const handle = await env.client.workflow.start('releaseWorkflow', { taskQueue: world.taskQueue, workflowId: releases[which].id, args: [input] });
      releases[which].result = (await world.runWorker(() => handle.result())) as ReleaseResult;
    };
    await release('good', 'v2');
    await release('bad', 'v3');
    // A plan of the same function: filed as ReleaseKind = plan without ScfFunction, out of its list.
    await world.runWorker(() => planRelease(env.client, { ...releaseInputOf('good'), releaseId: 'r-plan' }, { taskQueue: world.taskQueue }));
    await createSyncSchedule(env.client, {
      scheduleId,
      cron: '0 3 * * *',
      timezone: 'Asia/Shanghai',
      catchupWindow: '1h',
      jitter: '5m',
      note: 'nightly drift repair (UI test)',
      sync: { sourceRegion: PRIMARY, namespace: 'default', functions: { match: 'ui-demo-' }, targetRegions: [TARGET], what: { kind: 'latest-version' }, dryRun: true },
      createdBy: 'ui-test',
      taskQueue: world.taskQueue,
      paused: true,
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await env?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await world?.stop();
    await env?.teardown();
  });

  it('when the releases ran, then one Succeeded and one RolledBack (the runs the UI must show)', () => {
    expect(releases.good.result?.status).toBe('Succeeded');
    expect(releases.bad.result?.status).toBe('RolledBack');
  });

  it('when the workflow list is filtered by the function\'s search attribute, then both releases show, completed', async () => {
    await page.goto(workflowListUiLink(ui, 'default', `ScfFunction="${functionName}"`));
    for (const { id } of Object.values(releases)) await page.getByText(id, { exact: true }).first().waitFor({ timeout: 30_000 });
    const rows = page.locator('tr', { hasText: functionName });
    expect(await rows.count()).toBe(2);
    for (const row of await rows.all()) await expect(row.innerText()).resolves.toMatch(/COMPLETED/i);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'workflows-by-function.png'), fullPage: true });
  });

  it('when the list is filtered by ReleaseStatus = "RolledBack", then only the rolled-back release shows', async () => {
    await page.goto(workflowListUiLink(ui, 'default', `ScfFunction="${functionName}" AND ReleaseStatus="RolledBack"`));
    await page.getByText(releases.bad.id, { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(await page.getByText(releases.good.id, { exact: true }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'workflows-rolled-back.png'), fullPage: true });
  });

  it('when the rolled-back release is opened, then its page shows the workflow, its type and result', async () => {
    await page.goto(workflowListUiLink(ui, 'default', `ScfFunction="${functionName}" AND ReleaseStatus="RolledBack"`));
    await page.getByText(releases.bad.id, { exact: true }).first().click();
    await page.waitForURL(/\/workflows\/[^/]+\/[^/]+\/(history|timeline)/, { timeout: 30_000 });
    await page.getByText('releaseWorkflow').first().waitFor({ timeout: 30_000 });
    await page.getByText(/RolledBack/).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'release-rolled-back.png'), fullPage: true });
  });

  it('when the link `history` and `show` print is opened, then it lands on that release\'s event history', async () => {
    const { runId } = await env.client.workflow.getHandle(releases.good.id).describe();
    await page.goto(workflowUiLink(ui, 'default', releases.good.id, runId));
    await page.getByText(releases.good.id, { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/\/history$/);
    await page.getByText(/Workflow ?Execution ?Completed/i).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'release-history-link.png'), fullPage: true });
  });

  it('when a release\'s page is opened, then each activity says what it did and where (its summary)', async () => {
    const { runId } = await env.client.workflow.getHandle(releases.good.id).describe();
    await page.goto(workflowUiLink(ui, 'default', releases.good.id, runId));
    await page.getByText(`update-code ${PRIMARY} default/${functionName}`).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'release-activity-summaries.png'), fullPage: true });
  });

  it('when a release waits for approval and then its rollback fails, then its page shows the gate\'s deadline and the list shows it failed without a filter', async () => {
    const needy = `ui-needy-${randomUUID().slice(0, 6)}`;
    for (const region of [PRIMARY, TARGET]) {
      world.sim.admin.seedFunction({ region, functionName: needy, files: { 'index.js': 'exports.main_handler = async () => ({ ok: true });\n' }, handler: 'index.main_handler', runtime: 'Nodejs18.15', publishVersions: 1 });
    }
    const input: ReleaseInput = {
      ...releaseInputOf('good'),
      releaseId: 'r-needy',
      functionName: needy,
      alias: { name: 'live', requireApproval: true, approvalTimeoutSeconds: 3600, steps: [{ percent: 100, bakeSeconds: 0 }] },
    };
    const workflowId = releaseWorkflowId('default', needy, 'r-needy');
    const handle = await env.client.workflow.start('releaseWorkflow', { taskQueue: world.taskQueue, workflowId, args: [input] });
    await world.runWorker(async () => {
      await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval, 60_000);
      const { runId } = await handle.describe();
      await page.goto(workflowUiLink(ui, 'default', workflowId, runId));
      // The workflow's current details (setCurrentDetails) are on its User Metadata tab.
      await page.getByText('User Metadata', { exact: true }).first().click();
      // The UI renders the markdown in a sandboxed iframe.
      const details = page.frameLocator('iframe').getByText('Waiting for approval until').first();
      await details.waitFor({ timeout: 30_000 });
      await expect(details.innerText()).resolves.toMatch(/Waiting for approval until \S+Z\s+\(alias\.approvalTimeout\)/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'release-awaiting-approval.png'), fullPage: true });
      // Restoring the primary's code is refused for good: the abort's rollback fails, a person must act.
      world.sim.admin.failNext({ action: 'UpdateFunctionCode', count: 100, code: 'InvalidParameterValue.Code', region: PRIMARY, functionName: needy });
      await handle.signal(abortSignal, { reason: 'ui test', by: 'ui-test' });
      await handle.result().catch(() => undefined);
    });
    expect((await handle.describe()).status.name).toBe('FAILED');
    await page.goto(workflowListUiLink(ui, 'default', `ScfFunction="${needy}"`));
    await page.getByText(workflowId, { exact: true }).first().waitFor({ timeout: 30_000 });
    await expect(page.locator('tr', { hasText: workflowId }).first().innerText()).resolves.toMatch(/FAILED/i);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'workflows-rollback-failed.png'), fullPage: true });
  });

  it('when the Schedules page is opened, then the sync schedule is listed', async () => {
    await page.goto(`${ui}/namespaces/default/schedules`);
    await page.getByText(scheduleId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'schedules.png'), fullPage: true });
  });
});
