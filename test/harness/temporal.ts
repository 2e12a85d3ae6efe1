/**
 * What a test file needs to talk to the run's dev server: a connected TestWorkflowEnvironment,
 * a task queue of its own, and workers that load the workflow bundle the global setup built once.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { harnessFile, type HarnessInfo } from './paths';

export function harnessInfo(): HarnessInfo {
  return JSON.parse(readFileSync(harnessFile(), 'utf8')) as HarnessInfo;
}

/** Connects to the run's dev server; call `teardown()` in afterAll (it leaves the server running). */
export async function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: harnessInfo().address, namespace: 'default' });
}

/** Every test uses its own task queue, so workers of different tests never steal each other's tasks. */
export function uniqueTaskQueue(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

/** A real worker on the test's task queue, running the workflows bundled by the global setup. */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  options: Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>,
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    workflowBundle: { codePath: harnessInfo().workflowBundlePath },
    ...options,
  });
}
