/**
 * One Temporal dev server per test run (the official CLI, through the SDK's own launcher with an
 * `existing-path` executable), its Web UI on, our search attributes registered, and the workflows
 * bundled once, into a folder of its own under test-output/runs/ that the test files read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions';
import { bundleReleaseWorkflows, tracedBundlePath } from '../../worker/workflow-bundle';
import { freePort } from './ports';
import { harnessFile, newRunDir, workflowBundleFile, type HarnessInfo } from './paths';

export default async function globalSetup(): Promise<void> {
  const dir = newRunDir();
  mkdirSync(dir, { recursive: true });
  const cli = ensureTemporalCli();
  const [port, uiPort] = [await freePort(), await freePort()];
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      port,
      ui: true,
      uiPort,
      searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
      log: { format: 'pretty', level: 'error' },
    },
  });
  (globalThis as { __SCF_RELEASE_TEST_ENV__?: TestWorkflowEnvironment }).__SCF_RELEASE_TEST_ENV__ = env;

  // The plain bundle and its traced twin (a worker process with OTEL_EXPORTER_OTLP_ENDPOINT runs that one).
  const [plain, traced] = await Promise.all([bundleReleaseWorkflows(), bundleReleaseWorkflows({ traced: true })]);
  writeFileSync(workflowBundleFile(dir), plain.code);
  writeFileSync(tracedBundlePath(workflowBundleFile(dir)), traced.code);

  const info: HarnessInfo = {
    address: env.address,
    namespace: 'default',
    uiUrl: `http://127.0.0.1:${uiPort}`,
    workflowBundlePath: workflowBundleFile(dir),
  };
  writeFileSync(harnessFile(dir), JSON.stringify(info, null, 2));
}
