/**
 * What a test file needs to talk to the run's dev server: a connected TestWorkflowEnvironment,
 * a task queue of its own, and the harness file the global setup wrote (dev server, workflow bundle).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { harnessFile, type HarnessInfo } from './paths';

let harness: HarnessInfo | undefined;

/** The run's harness file, read once per module instance (it does not change during a run). */
export function harnessInfo(): HarnessInfo {
  harness ??= JSON.parse(readFileSync(harnessFile(), 'utf8')) as HarnessInfo;
  return harness;
}

/** Connects to the run's dev server; call `teardown()` in afterAll (it leaves the server running). */
export async function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: harnessInfo().address, namespace: 'default' });
}

/** Every test uses its own task queue, so workers of different tests never steal each other's tasks. */
export function uniqueTaskQueue(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}
