/**
 * Following a fleet and reporting how it ended: what `release -f` does once the fleet started, what
 * `watch fleet/<id>` does for one already running, and what `status fleet/<id>` shows once.
 */
import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { ReleaseNotFoundError } from '../api';
import { quoteLiteral } from '../audit/visibility-query';
import { followFleet, throttledReleases } from '../fleet-api';
import type { TemporalTarget } from '../connection';
import { EXIT, exitCodeForStatus } from '../exit-codes';
import { uiLink } from '../follow';
import { renderFleetResult } from '../render/fleet-summary';
import { fleetProgressLines, fleetProgressRenderer } from '../render/progress';
import { styleFor, terminalWidth } from '../render/text';
import { workflowListUiLink } from '../ui-links';
import { fleetProgressQuery, SA_FLEET_ID, type FleetResult, type FleetStatus } from '../../workflows/definitions';

/** A fleet's exit code: a release's for the same status; Failed (some releases failed, each compensated) as RolledBack's 2. */
export function exitCodeForFleet(status: FleetStatus): number {
  return status === 'Failed' ? EXIT.ROLLED_BACK : exitCodeForStatus(status);
}

/** The fleet's description; an unknown id is bad input (64), as for a release. */
export async function describeFleet(target: TemporalTarget, workflowId: string): Promise<WorkflowExecutionDescription> {
  try {
    return await target.client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ReleaseNotFoundError(`no fleet ${workflowId}; list fleets with \`scf-release history --kind fleet\``);
    throw err;
  }
}

/** The Temporal UI's list of the fleet and its releases (each carries FleetId). */
function fleetListLink(target: TemporalTarget, fleetId: string): string {
  return workflowListUiLink(target.uiUrl, target.namespace, `${SA_FLEET_ID.name} = ${quoteLiteral(fleetId)}`);
}

/** Prints how the fleet ended (JSON on stdout with --json) and returns its exit code. */
function reportFleetResult(target: TemporalTarget, fleet: { workflowId: string; runId?: string }, result: FleetResult, json: boolean): number {
  const link = uiLink(target, fleet);
  const exitCode = exitCodeForFleet(result.status);
  if (json) {
    process.stdout.write(`${JSON.stringify({ workflowId: fleet.workflowId, runId: fleet.runId, uiUrl: link, exitCode, status: result.status, result }, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${renderFleetResult(result, styleFor(process.stdout)).join('\n')}\n\n  Per function: scf-release show ${fleet.workflowId}\n  Temporal UI: ${link}\n  The fleet and its releases: ${fleetListLink(target, result.fleetId)}\n`);
  }
  return exitCode;
}

/** Follows a fleet with the fleet view (on stderr with --json) to its end; returns the fleet's exit code. */
export async function followFleetToEnd(target: TemporalTarget, fleet: { workflowId: string; runId?: string }, json: boolean): Promise<number> {
  const renderer = fleetProgressRenderer(json ? process.stderr : process.stdout, fleet.workflowId);
  let result: FleetResult | undefined;
  for await (const event of followFleet(target.client, fleet.workflowId)) {
    if (event.kind === 'progress') renderer.update({ progress: event.progress, throttled: event.throttled, now: Date.now() });
    else result = event.result;
  }
  renderer.finish();
  return reportFleetResult(target, fleet, result!, json);
}

/** `status fleet/<id>`: the fleet view once while it runs, its result once it ended. Exit 0 either way: status reports. */
export async function printFleetStatus(target: TemporalTarget, workflowId: string, json: boolean): Promise<number> {
  const description = await describeFleet(target, workflowId);
  const handle = target.client.workflow.getHandle(workflowId);
  const fleet = { workflowId, runId: description.runId };
  if (description.status.name !== 'RUNNING') {
    // Closed in a run that continued as new? result() follows the runs to the last one.
    reportFleetResult(target, fleet, (await handle.result()) as FleetResult, json);
    return EXIT.OK;
  }
  const progress = await handle.query(fleetProgressQuery);
  const throttled = await throttledReleases(target.client, progress.fleetId, progress.running);
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...fleet, uiUrl: uiLink(target, fleet), status: 'Running', progress, throttled }, null, 2)}\n`);
  } else {
    const lines = fleetProgressLines({ progress, throttled, now: Date.now() }, workflowId, styleFor(process.stdout), terminalWidth(process.stdout));
    process.stdout.write(`${lines.join('\n')}\n  Temporal UI: ${uiLink(target, fleet)}\n  The fleet and its releases: ${fleetListLink(target, progress.fleetId)}\n`);
  }
  return EXIT.OK;
}
