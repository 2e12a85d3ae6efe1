/** `scf-release watch <id|--function>`: follow a running release to its end, as `release` does. */
import type { Command } from 'commander';
import { followRelease, reportOutcome, uiLink } from '../follow';
import { detachOnInterrupt } from './release';
import { addReleaseRefOptions, resolveRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

export function registerWatchCommand(program: Command): void {
  addReleaseRefOptions(program.command('watch').description('follow a release until it ends; exits with its exit code'))
    .option('--json', 'machine-readable result on stdout; progress goes to stderr')
    .action((id: string | undefined, options: ReleaseRefOptions & { json?: boolean }) =>
      runCommand(() =>
        withTemporal(async (target) => {
          const workflowId = await resolveRef(target, id, options);
          const out = options.json ? process.stderr : process.stdout;
          out.write(`Watching ${workflowId}\n  Temporal UI: ${uiLink(target, { workflowId })}\n`);
          detachOnInterrupt(workflowId);
          const ended = await followRelease(target, workflowId, out);
          return reportOutcome(target, ended, Boolean(options.json));
        }),
      ),
    );
}
