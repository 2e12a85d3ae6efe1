import path from 'node:path';

/** Where test files put what a person may want to look at afterwards (screenshots, histories). */
export const OUTPUT_DIR = path.resolve(__dirname, '../../test-output');

/**
 * Each jest run gets its own folder for the harness file and the workflow bundle, so two runs at
 * once (two terminals, two engineers) never point at each other's dev server. The global setup
 * sets the variable; tests run in the same process (maxWorkers 1) or inherit it.
 */
const RUN_DIR_VARIABLE = 'SCF_RELEASE_TEST_RUN_DIR';

export function newRunDir(): string {
  const dir = path.join(OUTPUT_DIR, 'runs', `${Date.now()}-${process.pid}`);
  process.env[RUN_DIR_VARIABLE] = dir;
  return dir;
}

export function runDir(): string {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (!dir) throw new Error(`${RUN_DIR_VARIABLE} is not set: run the tests through jest (its global setup starts the dev server)`);
  return dir;
}

export const harnessFile = (dir = runDir()) => path.join(dir, 'harness.json');
export const workflowBundleFile = (dir = runDir()) => path.join(dir, 'workflow-bundle.js');

export interface HarnessInfo {
  /** gRPC address of the run's Temporal dev server. */
  address: string;
  namespace: string;
  /** Base URL of the dev server's Web UI. */
  uiUrl: string;
  workflowBundlePath: string;
}
