/** `scf-release status <id|--function>`: where a release stands, once. */
import type { Command } from 'commander';
import { getRelease } from '../api';
import { EXIT } from '../exit-codes';
import { outcomeJson, reportOutcome, uiLink } from '../follow';
import { progressRenderer } from '../render/progress';
import { addReleaseRefOptions, resolveRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

export function registerStatusCommand(program: Command): void {
  addReleaseRefOptions(program.command('status').description('show where a release stands (progress, or its result)'))
    .option('--json', 'machine-readable output')
    .action((id: string | undefined, options: ReleaseRefOptions & { json?: boolean }) =>
      runCommand(() =>
        withTemporal(async (target) => {
          const view = await getRelease(target.client, await resolveRef(target, id, options));
          if (view.state !== 'running') {
            if (options.json) process.stdout.write(`${JSON.stringify(outcomeJson(target, view), null, 2)}\n`);
            else reportOutcome(target, view, false);
            // status reports; it does not fail because the release did.
            return EXIT.OK;
          }
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ ...view, status: 'Running', uiUrl: uiLink(target, view) }, null, 2)}\n`);
          } else {
            // A one-shot picture: written as plain lines even on a TTY.
            if (view.progress) progressRenderer(process.stdout, view.workflowId).update(view.progress);
            else process.stdout.write(`${view.workflowId}: running, waiting for a worker to pick it up\n`);
            process.stdout.write(`  Temporal UI: ${uiLink(target, view)}\n`);
          }
          return EXIT.OK;
        }),
      ),
    );
}
