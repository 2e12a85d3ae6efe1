/** `scf-release watch <id|--function>`: follow a running release (or fleet/<id>) to its end, as `release` does. */
import type { Command } from 'commander';
import { resolveRelease } from '../api';
import { followRelease, reportOutcome, uiLink } from '../follow';
import type { TemporalTarget } from '../connection';
import { describeFleet, followFleetToEnd } from './fleet-follow';
import { detachOnInterrupt, warnIfNoWorker } from './release';
import { addReleaseRefOptions, releaseRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

/** A fleet: the same follow as `release -f` once started, from wherever the fleet is now. */
async function watchFleet(target: TemporalTarget, workflowId: string, json: boolean): Promise<number> {
  const description = await describeFleet(target, workflowId);
  (json ? process.stderr : process.stdout).write(`Watching ${workflowId}\n  Temporal UI: ${uiLink(target, { workflowId })}\n`);
  if (description.status.name === 'RUNNING') await warnIfNoWorker(target, description.taskQueue);
  detachOnInterrupt(workflowId);
  return followFleetToEnd(target, { workflowId, runId: description.runId }, json);
}

export function registerWatchCommand(program: Command): void {
  addReleaseRefOptions(program.command('watch').description('follow a release or fleet (fleet/<id>) until it ends; exits with its exit code'))
    .option('--json', 'machine-readable result on stdout; progress goes to stderr')
    .action((id: string | undefined, options: ReleaseRefOptions & { json?: boolean }) =>
      runCommand(() => {
        const ref = releaseRef(id, options);
        return withTemporal(async (target) => {
          if ('id' in ref && ref.id.startsWith('fleet/')) return watchFleet(target, ref.id, Boolean(options.json));
          const workflowId = await resolveRelease(target.client, ref);
          const out = options.json ? process.stderr : process.stdout;
          out.write(`Watching ${workflowId}\n  Temporal UI: ${uiLink(target, { workflowId })}\n`);
          // An unknown id is reported by followRelease, as before; here only a running release matters.
          const description = await target.client.workflow.getHandle(workflowId).describe().catch(() => undefined);
          if (description?.status.name === 'RUNNING') await warnIfNoWorker(target, description.taskQueue);
          detachOnInterrupt(workflowId);
          const ended = await followRelease(target, workflowId, out);
          return reportOutcome(target, ended, Boolean(options.json));
        });
      }),
    );
}
