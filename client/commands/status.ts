/** `scf-release status <id|--function>`: where a release (or fleet/<id>) stands, once. */
import type { Command } from 'commander';
import { getRelease, resolveRelease } from '../api';
import { EXIT } from '../exit-codes';
import { reportOutcome, uiLink } from '../follow';
import { progressLines } from '../render/progress';
import { styleFor, terminalWidth } from '../render/text';
import { printFleetStatus } from './fleet-follow';
import { addReleaseRefOptions, releaseRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

export function registerStatusCommand(program: Command): void {
  addReleaseRefOptions(program.command('status').description('show where a release or fleet (fleet/<id>) stands (progress, or its result)'))
    .option('--json', 'machine-readable output')
    .action((id: string | undefined, options: ReleaseRefOptions & { json?: boolean }) =>
      runCommand(() => {
        const ref = releaseRef(id, options);
        return withTemporal(async (target) => {
          if ('id' in ref && ref.id.startsWith('fleet/')) return printFleetStatus(target, ref.id, Boolean(options.json));
          const view = await getRelease(target.client, await resolveRelease(target.client, ref));
          if (view.state !== 'running') {
            // status reports; it does not fail because the release did, so reportOutcome's exit code is dropped.
            reportOutcome(target, view, Boolean(options.json));
            return EXIT.OK;
          }
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ ...view, status: 'Running', uiUrl: uiLink(target, view) }, null, 2)}\n`);
          } else {
            // A one-shot picture, fitted to the terminal; nothing is redrawn.
            const { progress } = view;
            if (progress) process.stdout.write(`${progressLines(progress, view.workflowId, styleFor(process.stdout), terminalWidth(process.stdout)).join('\n')}\n`);
            else process.stdout.write(`${view.workflowId}: running, waiting for a worker to pick it up\n`);
            process.stdout.write(`  Temporal UI: ${uiLink(target, view)}\n`);
          }
          return EXIT.OK;
        });
      }),
    );
}
