/**
 * A release from a script or a CI job, through the programmatic API (client/index.ts; from another
 * project: `import ... from 'scf-release/client'`). It validates the manifest, starts the release,
 * prints each change of phase, and exits with the release's exit code (client/exit-codes.ts: 0
 * Succeeded or NoOp, 2 RolledBack, 3 RollbackFailed, 4 Aborted, 5 busy, 64 invalid manifest, 1 other),
 * so the pipeline step fails exactly when the release did not go out.
 *
 *   SCF_RELEASE_MANIFEST=examples/release.yaml npx tsx examples/release-from-ci.ts
 *
 * Configured from the environment only:
 *   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE
 *                           the Temporal connection, read by @temporalio/envconfig (connectTemporal)
 *   SCF_RELEASE_MANIFEST    the manifest (default examples/release.yaml)
 *   SCF_RELEASE_PACKAGE     optional: the zip to release instead of the manifest's (e.g. the build's artifact)
 *   SCF_RELEASE_TASK_QUEUE  optional: the workers' task queue (default scf-release)
 *   SCF_RELEASE_USER        who releases, for the audit trail (e.g. github:<actor>)
 */
import {
  buildRelease,
  connectTemporal,
  EXIT,
  exitCodeForStatus,
  FunctionBusyError,
  ManifestError,
  noWorkerWarning,
  startRelease,
  watchRelease,
  workflowUiLink,
} from '../client';
import { TASK_QUEUE } from '../workflows/definitions';

async function main(): Promise<number> {
  const env = process.env;
  let built;
  try {
    built = await buildRelease({
      file: env.SCF_RELEASE_MANIFEST || 'examples/release.yaml',
      flags: { ...(env.SCF_RELEASE_PACKAGE && { package: env.SCF_RELEASE_PACKAGE }) },
      startedBy: env.SCF_RELEASE_USER,
      scfEndpoint: env.SCF_ENDPOINT,
    });
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    console.error(err.message);
    return EXIT.INVALID_INPUT;
  }
  for (const warning of built.warnings) console.error(`warning: ${warning}`);

  const target = await connectTemporal(env);
  try {
    const taskQueue = env.SCF_RELEASE_TASK_QUEUE || TASK_QUEUE;
    let started;
    try {
      started = await startRelease(target.client, built.input, { taskQueue });
    } catch (err) {
      if (!(err instanceof FunctionBusyError)) throw err;
      console.error(err.message);
      return EXIT.BUSY;
    }
    console.log(`Started ${started.workflowId} (by ${built.input.startedBy})`);
    console.log(`  Temporal UI: ${workflowUiLink(target.uiUrl, target.namespace, started.workflowId, started.runId)}`);
    const noWorker = await noWorkerWarning(target.client, taskQueue);
    if (noWorker) console.error(`warning: ${noWorker}`);

    let phase: string | undefined;
    for await (const event of watchRelease(target.client, started.workflowId)) {
      if (event.kind === 'progress') {
        if (event.progress.phase !== phase) console.log(`  phase ${(phase = event.progress.phase)}`);
        continue;
      }
      const { view } = event;
      if (view.state !== 'completed') {
        console.error(`the release workflow ended ${view.status} without a result: ${view.error}`);
        return EXIT.ERROR;
      }
      console.log(`${view.result.status}: ${view.result.summary}`);
      if (view.result.manualAction) console.error(`Manual action needed: ${view.result.manualAction}`);
      return exitCodeForStatus(view.result.status);
    }
    return EXIT.ERROR;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = EXIT.ERROR;
  },
);
