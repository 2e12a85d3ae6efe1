/**
 * How the workflow code is bundled, in one place for every bundle (scripts/bundle-workflows.mjs for the
 * image and `npm run build`, the test harness, the soak, and a worker that bundles at start): the
 * workflows of workflows/index.ts plus the OpenTelemetry workflow interceptors. The interceptors are in
 * every bundle, tracing on or off: they only read and write Temporal headers and hand finished spans to
 * the worker's `exporter` sink (worker/create-worker.ts, a no-op when tracing is off), so a bundle never
 * depends on the environment it was built in, and replay is unchanged (no command differs).
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

type BundleLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

const quiet = () => {};
/** Warnings and errors only: bundling is otherwise chatty. */
export const QUIET_BUNDLE_LOGGER: BundleLogger = { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error };

export function bundleReleaseWorkflows(logger: BundleLogger = QUIET_BUNDLE_LOGGER): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger });
}
