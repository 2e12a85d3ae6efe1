/**
 * `scf-release release -f fleet.yaml`: a fleet manifest (functions / select / policy) is validated,
 * planned (`--plan`) or started and followed with the fleet view of the progress renderer:
 * done / running / failed / throttled and an ETA; `--json` prints the result for scripts.
 */
import { planFleet, startFleet } from '../api';
import { EXIT } from '../exit-codes';
import { uiLink } from '../follow';
import { buildFleet } from '../manifest/fleet';
import { printWarning } from '../render/warning';
import type { PackageStaging } from '../package/stage';
import { renderFleetPlan } from '../render/fleet-summary';
import { styleFor } from '../render/text';
import { followFleetToEnd } from './fleet-follow';
import { detachOnInterrupt, type RunOptions } from './release';
import { withTemporal } from './shared';

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
      else {
        say(started.workflowId);
        process.stderr.write(`started; follow it with \`scf-release watch ${started.workflowId}\`\n  Temporal UI: ${link}\n`);
      }
      return EXIT.OK;
    }
    say(`Started ${started.workflowId} (by ${input.startedBy})\n  Temporal UI: ${link}`);
    detachOnInterrupt(started.workflowId);
    return followFleetToEnd(target, started, Boolean(options.json));
  });
}
