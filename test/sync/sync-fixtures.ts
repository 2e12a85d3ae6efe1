/**
 * The sync tests' world: functions seeded in the source region (ap-guangzhou) and, where a test
 * wants them, in ap-shanghai; ap-singapore starts empty. Helpers start syncs on the world's worker.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSync } from '../../client/schedules/run-sync';
import type { SyncInput, SyncReport } from '../../workflows/definitions';
import type { ScfWorld } from '../harness/scf-world';

export const SOURCE = 'ap-guangzhou';
export const EXISTING = 'ap-shanghai';
export const MISSING = 'ap-singapore';

export function code(marker: string): Record<string, string> {
  return { 'index.js': `exports.main_handler = async (event) => ({ ok: true, marker: '${marker}', echo: event });\n` };
}

export function uniquePrefix(name: string): string {
  return `${name}-${randomUUID().slice(0, 6)}-`;
}

/** One published version ("1") of `marker`'s code in `region`, with a timer trigger in targets. */
export function seed(world: ScfWorld, region: string, functionName: string, marker: string, versions = 1): void {
  world.sim.admin.seedFunction({
    region,
    functionName,
    files: code(marker),
    handler: 'index.main_handler',
    runtime: 'Nodejs18.15',
    publishVersions: versions,
    ...(region !== SOURCE ? { triggers: [{ type: 'timer', name: 'nightly' }] } : {}),
  });
}

export function syncInput(overrides: Partial<SyncInput>): SyncInput {
  return {
    sourceRegion: SOURCE,
    namespace: 'default',
    functions: { names: [] },
    targetRegions: [EXISTING, MISSING],
    what: { kind: 'latest-version' },
    dryRun: false,
    functionConcurrency: 4,
    startedBy: 'sync-test',
    ...overrides,
  };
}

export async function runSyncOn(env: TestWorkflowEnvironment, world: ScfWorld, input: SyncInput, syncId = `t-${randomUUID().slice(0, 8)}`) {
  const handle = await startSync(env.client, input, { syncId, taskQueue: world.taskQueue });
  const report = (await world.runWorker(() => handle.result())) as SyncReport;
  return { handle, report, syncId };
}

export function sha(world: ScfWorld, region: string, functionName: string): string | undefined {
  return world.sim.admin.getFunction(region, 'default', functionName)?.codeSha256;
}

/** A function's row for a region, as the report has it. */
export function outcomeOf(report: SyncReport, functionName: string, region: string) {
  return report.functions.find((f) => f.functionName === functionName)?.regions.find((r) => r.region === region);
}
