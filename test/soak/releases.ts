/**
 * The soak's batch of releases: per function a lane of releases run one after another (the lock
 * allows no more), lanes side by side. Each release is a manifest file and a zip in the soak's
 * package folder, built by the client's `buildRelease` and started with `startRelease`, exactly as
 * a script would. Variants: good code, broken code (passes in the primary, throws elsewhere, as in
 * examples/broken-function, so it must roll back), a repeat of the last package (NoOp when it
 * landed), and a good release the soak aborts mid-flight. Every wait is bounded by the deadline.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { abortRelease, buildRelease, FunctionBusyError, queryProgress, releaseResultOf, startRelease } from '../../client';
import { createZip } from '../../simulator';
import { seededRandom } from '../../simulator/random';
import type { ReleasePhase, ReleaseResult } from '../../workflows/definitions';
import { sleep } from './processes';

export const PRIMARY = 'ap-guangzhou';
export const EXISTING_TARGETS = ['ap-shanghai'];
/** Where the functions do not exist at first: the first release creates them by CopyFunction. */
export const COPY_TARGETS = ['ap-singapore'];
export const ALIAS = 'live';

export type Variant = 'good' | 'broken' | 'repeat' | 'abort';

export interface PlannedRelease {
  functionName: string;
  variant: Variant;
  withAlias: boolean;
}

/** Per function: a good release first (it creates the copies), then a seeded mix of the variants. */
export function planReleases(seed: number, functions: string[], perFunction: number): PlannedRelease[][] {
  const rand = seededRandom(seed ^ 0x50a4);
  const later: Variant[] = ['broken', 'good', 'repeat', 'abort', 'broken', 'good'];
  return functions.map((functionName) => {
    const lane: PlannedRelease[] = [{ functionName, variant: 'good', withAlias: rand() < 0.5 }];
    const pool: Variant[] = [];
    while (lane.length < perFunction) {
      if (pool.length === 0) pool.push(...later);
      const [variant] = pool.splice(Math.floor(rand() * pool.length), 1);
      lane.push({ functionName, variant: variant!, withAlias: rand() < 0.6 });
    }
    return lane;
  });
}

/** What the soak knows about a release it started. */
export interface StartedSoakRelease {
  workflowId: string;
  releaseId: string;
  functionName: string;
  namespace: string;
  regions: string[];
  sha256: string;
  variant: Variant;
  kind: 'good' | 'broken';
  startedAt: number;
  abortedBySoak: boolean;
  workflowStatus: string;
  result?: ReleaseResult;
  /** Set when the soak gave up waiting (deadline) or failed to start it. */
  problem?: string;
}

export const OLD_CODE = { 'index.js': "exports.main_handler = async () => ({ ok: true, version: 'seed' });\n" };

function goodCode(marker: string): Record<string, string> {
  return { 'index.js': `exports.main_handler = async (event) => ({ ok: true, version: '${marker}', region: process.env.TENCENTCLOUD_REGION, echo: event });\n` };
}

function brokenCode(marker: string): Record<string, string> {
  return {
    'index.js':
      `// ${marker}: the greeting table was only filled in for the primary region (examples/broken-function)\n` +
      `const GREETINGS = { '${PRIMARY}': 'hello' };\n` +
      `exports.main_handler = async () => {\n` +
      `  const region = process.env.TENCENTCLOUD_REGION;\n` +
      `  if (!GREETINGS[region]) throw new Error('no greeting configured for region ' + region);\n` +
      `  return { ok: true, version: '${marker}', region };\n};\n`,
  };
}

export interface LaneContext {
  client: () => Client;
  taskQueue: string;
  packageDir: string;
  deadline: number;
  log(line: string): void;
}

/** Retries `call` on any error `isFinal` does not claim, until the deadline (the dev server may be restarting). */
async function retrying<T>(ctx: LaneContext, what: string, call: () => Promise<T>, isFinal: (err: unknown) => T | undefined = () => undefined): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const final = isFinal(err);
      if (final !== undefined) return final;
      if (Date.now() > ctx.deadline) throw new Error(`${what}: still failing at the deadline: ${(err as Error).message}`);
      await sleep(Math.min(500 * attempt, 3000));
    }
  }
}

const ABORT_AT: ReleasePhase[] = ['Replicating', 'VerifyingRegions', 'ShiftingTraffic', 'AwaitingApproval'];

/** Waits until the release is past its primary, then asks it to abort; whether it accepted. */
async function abortMidFlight(ctx: LaneContext, workflowId: string): Promise<boolean> {
  while (Date.now() < ctx.deadline) {
    const handle = ctx.client().workflow.getHandle(workflowId);
    const description = await handle.describe().catch(() => undefined);
    if (description && description.status.name !== 'RUNNING') return false;
    const progress = description ? await queryProgress(handle, description).catch(() => undefined) : undefined;
    if (progress && ABORT_AT.includes(progress.phase)) {
      const answer = await abortRelease(ctx.client(), workflowId, { reason: 'soak: abort mid-flight', by: 'soak' }).catch(() => undefined);
      if (answer) return answer.accepted;
    }
    await sleep(500);
  }
  return false;
}

/** Polls until the workflow has closed; its close status and result. */
async function awaitEnd(ctx: LaneContext, r: StartedSoakRelease): Promise<void> {
  while (Date.now() < ctx.deadline) {
    const description = await ctx.client().workflow.getHandle(r.workflowId).describe().catch(() => undefined);
    if (description && description.status.name !== 'RUNNING') {
      r.workflowStatus = description.status.name;
      const handle = ctx.client().workflow.getHandle(r.workflowId, description.runId);
      if (r.workflowStatus === 'COMPLETED') {
        r.result = await retrying(ctx, `result of ${r.workflowId}`, () => handle.result() as Promise<ReleaseResult>);
      } else if (r.workflowStatus === 'FAILED') {
        // A RollbackFailed release fails its workflow carrying the result (releaseResultOf).
        r.result = await handle.result().then(() => undefined, releaseResultOf);
      }
      return;
    }
    await sleep(1000);
  }
  r.workflowStatus = 'RUNNING';
  r.problem = 'still running at the soak deadline';
}

/** Runs one function's releases in order; `started` receives each as it starts. */
export async function runLane(ctx: LaneContext, lane: PlannedRelease[], started: StartedSoakRelease[]): Promise<void> {
  let lastZip: string | undefined;
  for (const [i, planned] of lane.entries()) {
    if (Date.now() > ctx.deadline) return;
    const marker = `${planned.functionName}-${i}`;
    let zipFile = path.join(ctx.packageDir, `${marker}.zip`);
    if (planned.variant === 'repeat' && lastZip) zipFile = lastZip;
    else writeFileSync(zipFile, createZip(planned.variant === 'broken' ? brokenCode(marker) : goodCode(marker)));
    lastZip = zipFile;
    const manifestFile = path.join(ctx.packageDir, `${marker}.json`);
    writeFileSync(
      manifestFile,
      JSON.stringify({
        function: planned.functionName,
        region: PRIMARY,
        regions: [...EXISTING_TARGETS, ...COPY_TARGETS],
        package: { path: `./${path.basename(zipFile)}` },
        handler: 'index.main_handler',
        description: `soak ${marker} (${planned.variant})`,
        verification: [{ name: 'answers ok', event: { ping: 1 }, expect: { retMsgJsonSubset: { ok: true } } }],
        ...(planned.withAlias && { alias: { name: ALIAS, steps: [{ percent: 50, bake: '1s' }, { percent: 100 }] } }),
        regionConcurrency: 2,
      }),
    );
    const { input } = await buildRelease({ file: manifestFile, startedBy: 'soak' });
    const r: StartedSoakRelease = {
      workflowId: '',
      releaseId: input.releaseId,
      functionName: input.functionName,
      namespace: input.namespace,
      regions: [input.primaryRegion, ...input.regions],
      sha256: input.pkg.sha256,
      variant: planned.variant,
      kind: planned.variant === 'broken' ? 'broken' : 'good',
      startedAt: Date.now(),
      abortedBySoak: false,
      workflowStatus: 'NOT_STARTED',
    };
    // A start that reached the server before a restart cut the answer off shows up as "already started"
    // or as our own release holding the function: both mean it runs.
    const ours = (id: string) => id.endsWith(`/${input.releaseId}`);
    const start = await retrying(
      ctx,
      `start ${marker}`,
      () => startRelease(ctx.client(), input, { taskQueue: ctx.taskQueue }).then((s) => s.workflowId),
      (err) => (err instanceof WorkflowExecutionAlreadyStartedError ? err.workflowId : err instanceof FunctionBusyError && ours(err.holderWorkflowId) ? err.holderWorkflowId : undefined),
    ).catch((err: Error) => {
      r.problem = err.message;
      return undefined;
    });
    if (!start) {
      started.push(r);
      return;
    }
    r.workflowId = start;
    r.workflowStatus = 'RUNNING';
    started.push(r);
    ctx.log(`release ${r.workflowId} started (${planned.variant}${planned.withAlias ? ', alias' : ''})`);
    if (planned.variant === 'abort') r.abortedBySoak = await abortMidFlight(ctx, r.workflowId);
    await awaitEnd(ctx, r);
    ctx.log(`release ${r.workflowId} ended ${r.result?.status ?? r.workflowStatus}${r.problem ? ` (${r.problem})` : ''}`);
  }
}
