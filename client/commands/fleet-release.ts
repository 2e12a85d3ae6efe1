/**
 * `scf-release release -f fleet.yaml`: a fleet manifest (functions / select / policy) is validated,
 * planned (`--plan`) or started and followed with the fleet view of the progress renderer:
 * done / running / failed / throttled and an ETA; `--json` prints the result for scripts.
 */
import { followFleet, planFleet, startFleet } from '../api';
import { EXIT, exitCodeForStatus } from '../exit-codes';
import { uiLink } from '../follow';
import { buildFleet } from '../manifest/fleet';
import { printWarning } from '../render/warning';
import type { PackageStaging } from '../package/stage';
import { fleetProgressRenderer } from '../render/progress';
import { renderFleetPlan, renderFleetResult } from '../render/fleet-summary';
import { styleFor } from '../render/text';
import type { FleetResult, FleetStatus } from '../../workflows/definitions';
import { detachOnInterrupt, type RunOptions } from './release';
import { withTemporal } from './shared';

/** A fleet's exit code: a release's for the same status; Failed (some releases failed, each compensated) as RolledBack's 2. */
export function exitCodeForFleet(status: FleetStatus): number {
  return status === 'Failed' ? EXIT.ROLLED_BACK : exitCodeForStatus(status);
}

export async function releaseFleet(file: string, raw: unknown, options: RunOptions & { by?: string }, staging?: PackageStaging): Promise<number> {
  const built = await buildFleet({ file, raw, startedBy: options.by, scfEndpoint: process.env.SCF_ENDPOINT, staging });
  for (const warning of built.warnings) printWarning(warning);
  const { input } = built;
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  return withTemporal(async (target) => {
    if (options.plan) {
      const plan = await planFleet(target.client, input, { taskQueue: options.taskQueue });
      if (options.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else say(renderFleetPlan(plan, styleFor(process.stdout)).join('\n'));
      return EXIT.OK;
    }
    const started = await startFleet(target.client, input, { taskQueue: options.taskQueue });
    const link = uiLink(target, started);
    if (options.detach) {
      if (options.json) process.stdout.write(`${JSON.stringify({ ...started, fleetId: input.fleetId, uiUrl: link }, null, 2)}\n`);
      else say(started.workflowId);
      return EXIT.OK;
    }
    say(`Started ${started.workflowId} (by ${input.startedBy})\n  Temporal UI: ${link}`);
    detachOnInterrupt(started.workflowId);
    const renderer = fleetProgressRenderer(options.json ? process.stderr : process.stdout, started.workflowId);
    let result: FleetResult | undefined;
    for await (const event of followFleet(target.client, started.workflowId)) {
      if (event.kind === 'progress') renderer.update({ progress: event.progress, throttled: event.throttled, now: Date.now() });
      else result = event.result;
    }
    renderer.finish();
    const exitCode = exitCodeForFleet(result!.status);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl: link, exitCode, status: result!.status, result }, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${renderFleetResult(result!, styleFor(process.stdout)).join('\n')}\n\n  Per function: scf-release show ${started.workflowId}\n  Temporal UI: ${link}\n`);
    }
    return exitCode;
  });
}
