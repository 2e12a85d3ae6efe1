import path from 'node:path';

/** Files the global setup writes for the test files of the same run. */
export const OUTPUT_DIR = path.resolve(__dirname, '../../test-output');
export const HARNESS_FILE = path.join(OUTPUT_DIR, 'harness.json');
export const WORKFLOW_BUNDLE_FILE = path.join(OUTPUT_DIR, 'workflow-bundle.js');

export interface HarnessInfo {
  /** gRPC address of the run's Temporal dev server. */
  address: string;
  namespace: string;
  /** Base URL of the dev server's Web UI. */
  uiUrl: string;
  workflowBundlePath: string;
}
