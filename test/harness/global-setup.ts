/**
 * One Temporal dev server per test run (the official CLI, through the SDK's own launcher with an
 * `existing-path` executable), its Web UI on, our search attributes registered, and the workflows
 * bundled once. Test files read test-output/harness.json and connect to it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions';
import { HARNESS_FILE, OUTPUT_DIR, WORKFLOW_BUNDLE_FILE, type HarnessInfo } from './paths';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
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

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  writeFileSync(WORKFLOW_BUNDLE_FILE, code);

  const info: HarnessInfo = {
    address: env.address,
    namespace: 'default',
    uiUrl: `http://127.0.0.1:${uiPort}`,
    workflowBundlePath: WORKFLOW_BUNDLE_FILE,
  };
  writeFileSync(HARNESS_FILE, JSON.stringify(info, null, 2));
}
