/**
 * The world the release tests share: a function in three regions (primary ap-guangzhou; ap-shanghai
 * where it exists with a trigger, an older version and an alias; ap-singapore where it does not exist),
 * and the code packages a release puts there.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CodePackage, FunctionRef } from '../../activities/contract';
import type { ReleaseInput, VerificationCase } from '../../workflows/definitions';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import type { ScfWorld } from '../harness/scf-world';
import { harnessInfo } from '../harness/temporal';

export const PRIMARY = 'ap-guangzhou';
export const EXISTING = 'ap-shanghai';
export const MISSING = 'ap-singapore';
export const ALIAS = 'live';

/** The code before the release: answers `{ ok: true, version: 'v1' }`. */
export const OLD_CODE = { 'index.js': "exports.main_handler = async (event) => ({ ok: true, version: 'v1', echo: event });\n" };

/** The release's code: answers `{ ok: true, version: 'v2' }`, and fails where the region's env says BROKEN. */
export function newCode(marker = 'v2'): Record<string, string> {
  return {
    'index.js':
      `exports.main_handler = async (event) => {\n` +
      `  if (process.env.BROKEN) throw new Error('broken in this region');\n` +
      `  return { ok: true, version: '${marker}', echo: event };\n};\n`,
  };
}

/** Health checks both versions pass (during a canary the alias serves both). */
export const CASES: VerificationCase[] = [
  { name: 'answers ok', event: '{"ping":1}', expect: { retMsgJsonSubset: { ok: true, echo: { ping: 1 } } } },
  { name: 'is quick', event: '{}', expect: { invokeResult: 0, retMsgPattern: '"ok":\\s*true', maxDurationMs: 10_000 } },
];

export function fnIn(region: string, functionName: string): FunctionRef {
  return { region, namespace: 'default', functionName };
}

export function uniqueFunctionName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 6)}`;
}

export interface SeedOptions {
  /** Target regions where the function exists (with a trigger, version 1 and the alias on it). */
  existing?: string[];
  /** Environment of the existing target regions (e.g. `{ BROKEN: '1' }`). */
  targetEnv?: Record<string, string>;
  /** Give the primary (and existing targets) the alias on version 1. Default true. */
  alias?: boolean;
}

/** Seeds the primary and the existing target regions with OLD_CODE, version 1 and the alias on it. */
export async function seedWorld(world: ScfWorld, functionName: string, options: SeedOptions = {}): Promise<void> {
  const { admin } = world.sim;
  const existing = options.existing ?? [EXISTING];
  for (const region of [PRIMARY, ...existing]) {
    admin.seedFunction({
      region,
      functionName,
      files: OLD_CODE,
      handler: 'index.main_handler',
      runtime: 'Nodejs18.15',
      publishVersions: 1,
      ...(region !== PRIMARY ? { triggers: [{ type: 'timer', name: 'nightly' }], environment: options.targetEnv } : {}),
    });
    if (options.alias ?? true) {
      await world.activities.createAlias({ fn: fnIn(region, functionName), name: ALIAS, functionVersion: '1' });
    }
  }
}

export function releaseInput(functionName: string, pkg: CodePackage, overrides: Partial<ReleaseInput> = {}): ReleaseInput {
  return {
    releaseId: `r-${randomUUID().slice(0, 8)}`,
    functionName,
    namespace: 'default',
    primaryRegion: PRIMARY,
    regions: [EXISTING, MISSING],
    pkg,
    handler: 'index.main_handler',
    verification: CASES,
    alias: { name: ALIAS, steps: [{ percent: 20, bakeSeconds: 1 }, { percent: 100, bakeSeconds: 1 }] },
    regionConcurrency: 4,
    startedBy: 'jest',
    ...overrides,
  };
}

/**
 * Writes the workflow's history to test/histories/<name><RECORD_HISTORIES_SUFFIX>.json when
 * RECORD_HISTORIES=1 (see test/histories/README.md), in the standard JSON history format, through `temporal workflow show`.
 * (The SDK's historyToJSON fails in this install: two protobufjs copies.)
 */
export async function maybeRecordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const { runId } = await handle.describe();
  const json = execFileSync(
    ensureTemporalCli().path,
    ['workflow', 'show', '--workflow-id', handle.workflowId, '--run-id', runId, '--address', harnessInfo().address, '--namespace', 'default', '--output', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(path.resolve(__dirname, '../histories', `${name}${process.env.RECORD_HISTORIES_SUFFIX ?? ''}.json`), json);
}
