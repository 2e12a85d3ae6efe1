import type { TestWorkflowEnvironment } from '@temporalio/testing';

export default async function globalTeardown(): Promise<void> {
  const env = (globalThis as { __SCF_RELEASE_TEST_ENV__?: TestWorkflowEnvironment }).__SCF_RELEASE_TEST_ENV__;
  await env?.teardown();
}
