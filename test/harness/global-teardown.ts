import { rmSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { runDir } from './paths';

export default async function globalTeardown(): Promise<void> {
  const env = (globalThis as { __SCF_RELEASE_TEST_ENV__?: TestWorkflowEnvironment }).__SCF_RELEASE_TEST_ENV__;
  await env?.teardown();
  rmSync(runDir(), { recursive: true, force: true });
}
