/**
 * How the workflow code is bundled, in one place for every bundle (scripts/bundle-workflows.mjs for the
 * image and `npm run build`, the test harness, the soak, and a worker that bundles at start): the
 * workflows of workflows/index.ts, plus, in the *traced* bundle only, the OpenTelemetry workflow
 * interceptors. They used to be in every bundle, tracing on or off; measured, a worker without them
 * spent ~25 % less CPU and ~45 % less peak RSS on a 100-function fleet (BENCHMARKS.md), for spans that
 * went to a no-op sink. A prebuilt bundle comes as a pair: `<name>.js` and `<name>.traced.js`
 * (tracedBundlePath); a worker with OTEL_EXPORTER_OTLP_ENDPOINT runs the traced one. Either replays
 * the other's histories: the interceptors only read and write Temporal headers (no command differs).
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

type BundleLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

const quiet = () => {};
/** Warnings and errors only: bundling is otherwise chatty. */
export const QUIET_BUNDLE_LOGGER: BundleLogger = { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error };

export function bundleReleaseWorkflows(options: { traced?: boolean; logger?: BundleLogger } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: options.traced ? [...WORKFLOW_INTERCEPTOR_MODULES] : [],
    logger: options.logger ?? QUIET_BUNDLE_LOGGER,
  });
}

/** The traced twin of a prebuilt bundle file: `workflow-bundle.js` → `workflow-bundle.traced.js`. */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '.traced.js');
}
